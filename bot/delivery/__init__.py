"""Delivery: takes alerts from the outbox, gives them to the platforms' notifiers.

dispatcher (per-chat order, retries with back-off, retry_after, blocked and migrated chats, expiry).
"""
