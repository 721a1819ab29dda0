"""Damaged text for tests of the reading steps."""

from __future__ import annotations


def read_as(text: str, encoding: str) -> str:
    """``text``'s UTF-8 bytes read in another code page (mojibake), as an export or a
    spreadsheet does; a byte the code page leaves undefined stays as Latin-1 reads it."""
    return "".join(bytes([b]).decode(encoding, "ignore") or chr(b) for b in text.encode())
