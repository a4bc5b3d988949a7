"""Test doubles for the edges we do not own (remote HTTP servers, platform APIs)."""
