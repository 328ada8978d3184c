"""Renderers: a report or invoice model in, text or bytes out; they never fetch or compute money."""
