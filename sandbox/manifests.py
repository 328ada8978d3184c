"""Fetch an add-on manifest and check what Clockify checks before it installs one.

This is deliberately not the full JSON Schema (the add-on's own tests validate against the
official schema files): it is the minimum the sandbox needs to act like Clockify, and each
rule answers with a reason a developer can act on. The parsed `AddonManifest` keeps the raw
document too, because Clockify shows and stores the manifest exactly as served.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests

from sandbox.errors import AddonUnreachable, ManifestRejected, SandboxError, describe_failure

__all__ = [
    "LIFECYCLE_TYPES",
    "PLANS",
    "AddonManifest",
    "Component",
    "SettingDeclaration",
    "WebhookDeclaration",
    "fetch_manifest",
    "parse_manifest",
]

LIFECYCLE_TYPES = ("INSTALLED", "DELETED", "SETTINGS_UPDATED", "STATUS_CHANGED")
# Ordered cheapest first, so a workspace may install an add-on whose minimum is at or below it.
PLANS = ("FREE", "BASIC", "STANDARD", "PRO", "ENTERPRISE")
ACCESS_LEVELS = ("ADMINS", "EVERYONE")
_MAX_MANIFEST_BYTES = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Component:
    """One UI component; `index` is its position in the manifest, used in shell URLs."""

    index: int
    type: str
    access_level: str
    path: str
    label: str | None


@dataclass(frozen=True, slots=True)
class WebhookDeclaration:
    event: str
    path: str


@dataclass(frozen=True, slots=True)
class SettingDeclaration:
    """One structured setting, flattened out of its tab or group."""

    id: str
    name: str
    type: str
    value: Any
    access_level: str
    read_only: bool
    allowed_values: tuple[Any, ...] | None


@dataclass(frozen=True, slots=True)
class AddonManifest:
    document: Mapping[str, Any]
    key: str
    name: str
    base_url: str
    minimal_plan: str
    lifecycle: Mapping[str, str]
    webhooks: tuple[WebhookDeclaration, ...]
    components: tuple[Component, ...]
    settings: tuple[SettingDeclaration, ...]

    def url(self, path: str) -> str:
        """Clockify concatenates `baseUrl` and a path verbatim; so does the sandbox."""
        return self.base_url + path


def fetch_manifest(url: str, *, timeout: tuple[float, float]) -> dict[str, Any]:
    """GET the manifest without following redirects; raise naming what went wrong."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise SandboxError("manifestUrl must be an http(s) URL")
    try:
        response = requests.get(url, timeout=timeout, allow_redirects=False)
    except requests.RequestException as exc:
        raise AddonUnreachable(
            f"could not fetch the manifest from {url}: {describe_failure(exc)}"
        ) from None
    with response:
        if response.status_code != 200:
            raise ManifestRejected(
                f"manifest URL answered HTTP {response.status_code}; expected 200"
                + (" (redirects are not followed)" if response.is_redirect else "")
            )
        if len(response.content) > _MAX_MANIFEST_BYTES:
            raise ManifestRejected("manifest is larger than 1 MiB")
        try:
            document = json.loads(response.content)
        except ValueError:
            raise ManifestRejected("manifest is not valid JSON") from None
    if not isinstance(document, dict):
        raise ManifestRejected("manifest must be a JSON object")
    return document


def parse_manifest(document: dict[str, Any], *, expected_key: str) -> AddonManifest:
    """Check the rules Clockify enforces at install time and return the parsed manifest."""
    key = _string(document, "key", "manifest")
    if key != expected_key:
        raise ManifestRejected(
            f"manifest key {key!r} is not this sandbox's add-on key {expected_key!r}"
        )
    name = _string(document, "name", "manifest")
    if len(name) > 50:
        raise ManifestRejected("manifest name must be at most 50 characters")
    base_url = _string(document, "baseUrl", "manifest")
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ManifestRejected("manifest baseUrl must be an absolute http(s) URL")
    plan = _string(document, "minimalSubscriptionPlan", "manifest")
    if plan not in PLANS:
        raise ManifestRejected(f"minimalSubscriptionPlan must be one of {', '.join(PLANS)}")
    return AddonManifest(
        document=document,
        key=key,
        name=name,
        base_url=base_url,
        minimal_plan=plan,
        lifecycle=_lifecycle(document.get("lifecycle", [])),
        webhooks=tuple(
            WebhookDeclaration(event=_string(item, "event", where), path=_path(item, where))
            for where, item in _objects(document.get("webhooks", []), "webhooks")
        ),
        components=tuple(
            _component(index, item, where)
            for index, (where, item) in enumerate(
                _objects(document.get("components", []), "components")
            )
        ),
        settings=_settings(document.get("settings")),
    )


def _lifecycle(value: Any) -> dict[str, str]:
    paths: dict[str, str] = {}
    for where, item in _objects(value, "lifecycle"):
        kind = _string(item, "type", where)
        if kind not in LIFECYCLE_TYPES:
            raise ManifestRejected(f"{where}.type must be one of {', '.join(LIFECYCLE_TYPES)}")
        if kind in paths:
            raise ManifestRejected(f"{where}: lifecycle type {kind} is declared twice")
        paths[kind] = _path(item, where)
    return paths


def _component(index: int, item: dict[str, Any], where: str) -> Component:
    access = _string(item, "accessLevel", where)
    if access not in ACCESS_LEVELS:
        raise ManifestRejected(f"{where}.accessLevel must be ADMINS or EVERYONE")
    label = item.get("label")
    if label is not None and not isinstance(label, str):
        raise ManifestRejected(f"{where}.label must be a string")
    return Component(
        index=index,
        type=_string(item, "type", where),
        access_level=access,
        path=_path(item, where),
        label=label,
    )


def _settings(value: Any) -> tuple[SettingDeclaration, ...]:
    """Structured settings in declaration order: each tab's own settings, then its groups'."""
    if value is None or isinstance(value, str):
        return ()  # absent, or a self-hosted settings page that Clockify does not store
    if not isinstance(value, dict) or not isinstance(value.get("tabs"), list):
        raise ManifestRejected("settings must be a path or an object with a tabs list")
    declared: list[SettingDeclaration] = []
    for tab_where, tab in _objects(value["tabs"], "settings.tabs"):
        for where, item in _objects(tab.get("settings", []), f"{tab_where}.settings"):
            declared.append(_setting(item, where))
        for group_where, group in _objects(tab.get("groups", []), f"{tab_where}.groups"):
            for where, item in _objects(group.get("settings", []), f"{group_where}.settings"):
                declared.append(_setting(item, where))
    ids = [setting.id for setting in declared]
    if len(set(ids)) != len(ids):
        raise ManifestRejected("settings ids must be unique across all tabs and groups")
    return tuple(declared)


def _setting(item: dict[str, Any], where: str) -> SettingDeclaration:
    if "value" not in item:
        raise ManifestRejected(f"{where}.value is required")
    allowed = item.get("allowedValues")
    if allowed is not None and not isinstance(allowed, list):
        raise ManifestRejected(f"{where}.allowedValues must be a list")
    access = _string(item, "accessLevel", where)
    if access not in ACCESS_LEVELS:
        raise ManifestRejected(f"{where}.accessLevel must be ADMINS or EVERYONE")
    return SettingDeclaration(
        id=_string(item, "id", where),
        name=_string(item, "name", where),
        type=_string(item, "type", where),
        value=item["value"],
        access_level=access,
        read_only=item.get("readOnly") is True,
        allowed_values=tuple(allowed) if allowed is not None else None,
    )


def _objects(value: Any, where: str) -> list[tuple[str, dict[str, Any]]]:
    if not isinstance(value, list):
        raise ManifestRejected(f"{where} must be a list")
    for index, item in enumerate(value):
        if not isinstance(item, dict):
            raise ManifestRejected(f"{where}[{index}] must be an object")
    return [(f"{where}[{index}]", item) for index, item in enumerate(value)]


def _string(item: Mapping[str, Any], name: str, where: str) -> str:
    value = item.get(name)
    if not isinstance(value, str) or not value:
        raise ManifestRejected(f"{where}.{name} is required and must be a non-empty string")
    return value


def _path(item: Mapping[str, Any], where: str) -> str:
    """Paths start with `/` (the official SDK also refuses a trailing `/`; Clockify may not)."""
    path = _string(item, "path", where)
    if not path.startswith("/"):
        raise ManifestRejected(f"{where}.path must start with '/'")
    return path
