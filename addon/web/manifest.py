"""Serves the manifest Clockify reads when an admin installs the add-on by URL."""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue

from addon.manifest import build_manifest
from addon.web import runtime

__all__ = ["bp"]

bp = Blueprint("manifest", __name__)


@bp.get("/manifest")
@bp.get("/manifest.json")
def manifest() -> ResponseReturnValue:
    response = jsonify(build_manifest(runtime().settings))
    response.headers["Cache-Control"] = "no-cache"
    return response
