"""Ingest: takes a source (URL, poll state) and gives parsed `Article` records.

fetch (httpx, conditional GET, caps), netguard (no private addresses), parse (feedparser -> Article),
identity (story keys: canonical link, guid, title), poll (one source: fetch -> parse -> outcome),
extract (a page's main text), enrich (teaser stories get their page's text), sources (the sources
file, vetting new feeds), schedule (when each source is next due).
"""
