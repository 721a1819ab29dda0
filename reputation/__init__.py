"""reputation: watch what customers say, and make sure every negative voice gets a warm answer."""

__version__ = "0.1.0"
