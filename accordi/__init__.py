"""Accordi: a municipality's collaboration agreements as a bilingual static site."""

__version__ = "0.1.0"
