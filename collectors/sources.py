"""Every source module, imported once so that each registers itself."""

# ruff: noqa: F401
from collectors.apple_app_store import collector as _apple_app_store
from collectors.digikala import collector as _digikala
from collectors.file_import import collector as _file_import
from collectors.google_business import collector as _google_business
from collectors.google_places import collector as _google_places
from collectors.google_play import collector as _google_play
from collectors.mercadolibre import collector as _mercadolibre
from collectors.ozon import collector as _ozon
from collectors.reddit import collector as _reddit
from collectors.snappfood import collector as _snappfood
from collectors.telegram import collector as _telegram
from collectors.trustpilot import collector as _trustpilot
from collectors.web import collector as _web
from collectors.wildberries import collector as _wildberries
from collectors.x import collector as _x
from collectors.yandex_market import collector as _yandex_market
