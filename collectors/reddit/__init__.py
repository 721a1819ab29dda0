"""Reddit search (OAuth API): brand mentions in posts and comments."""
