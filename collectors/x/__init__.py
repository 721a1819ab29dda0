"""X (Twitter) API v2 recent search: brand mentions in posts of the last seven days."""
