"""Per-workspace switch values (`ShapeMode`, `Behaviour`) to and from the control API's JSON.

Both are frozen dataclasses whose fields are choices; the control API takes snake_case or
camelCase names and applies them over a base value, so one reader serves both.
"""

from __future__ import annotations

from dataclasses import asdict, fields
from typing import Any, TypeVar

__all__ = ["camel", "switches_as_json", "switches_from_json"]

S = TypeVar("S")


def switches_from_json(cls: type[S], body: Any, base: S | None, what: str) -> S:
    """Apply `{field: value}` (snake_case or camelCase names) over `base` or the default."""
    if not isinstance(body, dict):
        raise ValueError("the body must be a JSON object")
    known = {item.name: item.name for item in fields(cls)}  # type: ignore[arg-type]  # S is always a dataclass
    known.update({camel(name): name for name in list(known)})
    unknown = sorted(set(body) - set(known))
    if unknown:
        raise ValueError(f"unknown {what} fields: {', '.join(unknown)}")
    values = asdict(base if base is not None else cls())  # type: ignore[call-overload]  # likewise
    values.update({known[key]: value for key, value in body.items()})
    return cls(**values)


def switches_as_json(value: Any) -> dict[str, Any]:
    return {camel(name): choice for name, choice in asdict(value).items()}


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)
