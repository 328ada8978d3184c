"""Persistence: engine and sessions, models, and repository functions over a Session."""
