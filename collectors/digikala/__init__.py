"""Digikala product reviews (unofficial, read-only endpoint)."""
