"""Outbound HTTP (no database): the guarded fetcher; filled by the feed-engine issue."""
