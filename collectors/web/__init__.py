"""Reviews embedded in web pages as schema.org JSON-LD or microdata."""
