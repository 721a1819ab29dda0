"""Telegram public channels, read from the web preview at ``t.me/s/<channel>``."""
