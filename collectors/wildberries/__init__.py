"""Wildberries seller feedbacks API (``feedbacks-api.wildberries.ru``)."""
