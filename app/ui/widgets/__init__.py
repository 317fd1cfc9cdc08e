"""Reusable widgets: tag lists, verdict chips, empty-state hints."""
