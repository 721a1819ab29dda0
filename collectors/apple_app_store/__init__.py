"""Apple App Store customer reviews from the public per-country RSS feed (JSON)."""
