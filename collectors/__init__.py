"""Collectors: pull reviews and mentions from each source into the pipeline (one package per
source, shared HTTP behaviour in one place)."""
