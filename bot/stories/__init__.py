"""Stories: takes freshly parsed articles, gives the ones that are news (never seen, not a copy, recent).

fresh (the never-seen filter over a poll batch), near (near-duplicate copies: MinHash + LSH over
title and lead), events (same-event reports: rare shared names and terms).
"""
