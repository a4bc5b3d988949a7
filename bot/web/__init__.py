"""Web: the one HTTP server (aiohttp.web) for WebSub callbacks, /healthz and /metrics.

server (routes registered by the features that need them; started only when configured).
"""
