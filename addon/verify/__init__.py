"""Verification of every Clockify token, for every entry point."""

from addon.verify.tokens import ClockifyClaims, TokenKind, TokenVerifier

__all__ = ["ClockifyClaims", "TokenKind", "TokenVerifier"]
