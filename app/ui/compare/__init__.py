"""Widgets and models of the Compare page."""
