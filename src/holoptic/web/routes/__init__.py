"""Page and API routes: each handler parses, calls one service, renders."""
