"""Yandex Market Partner API product reviews (``goods-feedback``)."""
