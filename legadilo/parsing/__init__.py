"""Pure parsing stages (feeds, discovery, HTML): bytes in, frozen dataclasses out, no I/O."""
