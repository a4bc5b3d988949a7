"""Alerts: takes new stories and their matches, gives `Alert` records for the chats that should get them.

highlights (2-4 bullets per story), factory (Alert records, bullets computed once), router (which chat gets
what: active and unpaused chats only).
"""
