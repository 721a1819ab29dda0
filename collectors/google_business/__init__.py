"""Google Business Profile reviews (My Business API v4)."""
