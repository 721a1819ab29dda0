"""Google Play Developer API reviews (``androidpublisher`` v3)."""
