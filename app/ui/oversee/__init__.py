"""Widgets of the Oversee page: metric charts, sparklines, the review form and its dialogs."""
