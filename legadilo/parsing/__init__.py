"""Pure parsing stages (feeds, discovery, OPML, article HTML): no I/O; filled by the feed-engine issue."""
