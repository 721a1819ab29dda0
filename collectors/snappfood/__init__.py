"""SnappFood vendor comments (unofficial, read-only endpoint)."""
