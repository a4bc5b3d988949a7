"""What the chat adapters share: operator targets, plain-word suggestions, button state."""
