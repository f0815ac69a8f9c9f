"""Outbound HTTP, no database: the guarded fetcher (`fetch_url`) and its HTTP session."""
