"""Vendors' documents in the app: the viewer, the documents panel, citations and "Where is this answered?"."""
