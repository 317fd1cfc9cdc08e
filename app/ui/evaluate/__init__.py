"""Widgets, models and dialogs of the Evaluate and Compare pages."""
