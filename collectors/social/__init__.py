"""Helpers shared by the social-mention sources (Reddit, X, Telegram)."""
