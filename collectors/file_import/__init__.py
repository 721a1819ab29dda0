"""Reviews imported from CSV or JSON-lines files exported by other tools."""
