"""Trustpilot service reviews of a business unit (``api.trustpilot.com`` v1)."""
