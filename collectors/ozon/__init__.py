"""Ozon Seller API product reviews (``api-seller.ozon.ru``, Premium Plus only)."""
