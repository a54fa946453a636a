"""The home page's work queue."""
