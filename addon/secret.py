"""`Secret`: a string that never prints, for tokens, keys and passwords.

Its own module so that the store and the verifier can hold secrets without depending on settings.
"""

from __future__ import annotations

__all__ = ["Secret"]


class Secret:
    """A string that never prints: `repr`, `str` and f-strings show `***`."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """Return the clear value; call only where the secret is used."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    def __str__(self) -> str:
        return "***"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)
