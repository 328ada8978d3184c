"""Liveness and readiness probes for orchestrators and the Dockerfile HEALTHCHECK."""

from __future__ import annotations

import logging

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import SQLAlchemyError

from addon.store.db import ping
from addon.web import runtime

__all__ = ["bp"]

log = logging.getLogger(__name__)
bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    """Alive: the process answers; no dependency is checked (a DB outage must not restart us)."""
    return jsonify({"status": "ok"})


@bp.get("/readyz")
def readyz() -> ResponseReturnValue:
    """Ready: the database answers `SELECT 1`; otherwise 503 so traffic goes elsewhere."""
    try:
        ping(runtime().engine)
    except SQLAlchemyError as exc:
        log.warning("readiness check failed: %s", type(exc).__name__)
        return jsonify({"status": "unavailable", "database": "unreachable"}), 503
    return jsonify({"status": "ok", "database": "ok"})
