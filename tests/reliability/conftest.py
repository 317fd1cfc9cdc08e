"""Reliability tests run with the network guard on (until tests/conftest.py registers it for all)."""

from tests.network_guard import network_guard

__all__ = ["network_guard"]
