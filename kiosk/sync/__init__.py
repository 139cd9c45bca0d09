"""Sync with the regional server: the wire format (shared with ``regional/``) and the client."""
