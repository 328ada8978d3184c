"""The manifest: valid against Clockify's schema, built from settings, equal to manifest.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema

from addon.manifest import LIFECYCLE_PATHS, SCOPES, SETTING_DEFAULTS, build_manifest
from addon.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "tests" / "schemas"


def _validate(document: dict[str, Any]) -> None:
    version = str(document["schemaVersion"])
    schema = json.loads((SCHEMAS / f"{version}.json").read_text())
    jsonschema.Draft4Validator.check_schema(schema)
    validator = jsonschema.Draft4Validator(
        schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER
    )
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]


def test_committed_manifest_is_the_default_build() -> None:
    committed = json.loads((ROOT / "manifest.json").read_text())

    assert committed == build_manifest(Settings())


def test_committed_manifest_validates_against_its_declared_schema() -> None:
    _validate(json.loads((ROOT / "manifest.json").read_text()))


def test_manifest_for_a_public_url_validates_and_uses_it_as_base_url() -> None:
    document = build_manifest(Settings(public_url="https://reports.example.com"))

    _validate(document)
    assert document["baseUrl"] == "https://reports.example.com"


def test_manifest_declares_four_lifecycle_hooks_and_one_admin_sidebar() -> None:
    document = build_manifest(Settings())

    assert {h["type"]: h["path"] for h in document["lifecycle"]} == LIFECYCLE_PATHS
    assert [(c["type"], c["accessLevel"]) for c in document["components"]] == [
        ("sidebar", "ADMINS")
    ]
    assert all(path.startswith("/") and not path.endswith("/") for path in LIFECYCLE_PATHS.values())


def test_manifest_requests_read_scopes_and_the_one_write_it_uses() -> None:
    """Least privilege: every write scope is a decision (marking issued time invoiced)."""
    writes = [scope for scope in SCOPES if not scope.endswith("_READ")]
    assert writes == ["TIME_ENTRY_WRITE"]
    assert len(set(SCOPES)) == len(SCOPES)


def test_structured_settings_ids_are_unique_and_dropdown_values_allowed() -> None:
    tabs = build_manifest(Settings())["settings"]["tabs"]
    settings = [s for tab in tabs for s in tab["settings"]]

    assert len({s["id"] for s in settings}) == len(settings) == len(SETTING_DEFAULTS)
    for setting in settings:
        if setting["type"].startswith("DROPDOWN"):
            assert setting["value"] in setting["allowedValues"]
