"""Mercado Libre item reviews and seller questions (``api.mercadolibre.com``)."""
