"""Google Places reviews: Places API (New) and the legacy Place Details API."""
