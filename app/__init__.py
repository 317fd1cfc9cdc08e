"""Diligence: choose an AI implementation partner, then hold them to results."""

__version__ = "0.1.0"
