"""The web app: inbox, item pages, trends, CSV exports and the JSON API (``create_app``)."""

from reputation.web.app import create_app

__all__ = ["create_app"]
