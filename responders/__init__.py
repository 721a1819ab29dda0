"""Public reply drafts, Slack alert payloads and the notifiers that deliver them."""
