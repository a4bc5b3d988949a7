"""Matching: takes query text and articles, gives which chats' subscriptions an article satisfies.

query (the query language), document (an analysed article), index (one pass over an article finds every
query it satisfies), audience (which chats hold which query).
"""
