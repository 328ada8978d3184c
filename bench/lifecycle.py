"""INSTALLED callbacks handled per second, on SQLite and PostgreSQL, against bare verification.

Each INSTALLED is a full request through the Flask app: two RS256 verifications (lifecycle and
installation token), Fernet encryption, and the database transaction, each for a new workspace.
The baseline, measured in the same process, is one bare RS256 verification of the same token.

    .venv/bin/python bench/lifecycle.py [--count 400] [--postgres URL]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from cryptography.fernet import Fernet
from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from addon import create_app
from addon.settings import LogFormat, Secret, Settings
from addon.store.migrate import upgrade
from addon.verify.tokens import TokenKind, TokenVerifier
from sandbox.tokens import ApiUrls, TokenIssuer

URLS = ApiUrls(
    "https://api.clockify.me/api",
    "https://reports.api.clockify.me",
    "https://locations.api.clockify.me",
    "https://screenshots.api.clockify.me",
    "https://pto.api.clockify.me",
)


def bare_verifications_per_second(issuer: TokenIssuer, count: int) -> float:
    verifier = TokenVerifier([issuer.public_key_pem], issuer.addon_key, 30)
    token = issuer.installation_token(
        workspace_id="a" * 24, addon_id="b" * 24, owner_id="c" * 24, urls=URLS
    )
    started = time.perf_counter()
    for _ in range(count):
        verifier.verify(token, kind=TokenKind.INSTALLATION, now=time.time())
    return count / (time.perf_counter() - started)


def installs_per_second(issuer: TokenIssuer, database_url: str, count: int) -> float:
    settings = Settings(
        database_url=database_url,
        clockify_public_keys=(issuer.public_key_pem,),
        encryption_keys=(Secret(Fernet.generate_key().decode()),),
        log_level="WARNING",
        log_format=LogFormat.TEXT,
    )
    app = create_app(settings)
    client = app.test_client()
    requests = []
    for i in range(count):
        workspace, addon = f"{i:024x}", uuid.uuid4().hex[:24]
        body = {
            "addonId": addon,
            "workspaceId": workspace,
            "asUser": "c" * 24,
            "apiUrl": URLS.backend_url,
            "webhooks": [],
            "authToken": issuer.installation_token(
                workspace_id=workspace, addon_id=addon, owner_id="c" * 24, urls=URLS
            ),
        }
        headers = {
            "X-Addon-Lifecycle-Token": issuer.lifecycle_token(
                workspace_id=workspace, addon_id=addon
            )
        }
        requests.append((json.dumps(body), headers))
    started = time.perf_counter()
    for data, headers in requests:
        response = client.post(
            "/lifecycle/installed", data=data, headers=headers, content_type="application/json"
        )
        assert response.status_code == 200, response.json
    rate = count / (time.perf_counter() - started)
    app.extensions["addon"].engine.dispose()
    return rate


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    args = parser.parse_args()
    issuer = TokenIssuer(addon_key="reports-invoices")

    bare = statistics.median(
        bare_verifications_per_second(issuer, args.count * 2) for _ in range(args.rounds)
    )
    print(f"bare RS256 verification      {bare:9.0f} /s  (baseline)")

    with tempfile.TemporaryDirectory() as tmp:
        rates = []
        for round_ in range(args.rounds):
            url = f"sqlite:///{tmp}/bench{round_}.sqlite3"
            upgrade(url)
            rates.append(installs_per_second(issuer, url, args.count))
        sqlite = statistics.median(rates)
    ratio = sqlite / bare
    print(f"INSTALLED on SQLite          {sqlite:9.0f} /s  ratio to bare verification {ratio:.3f}")

    admin = create_engine(args.postgres, isolation_level="AUTOCOMMIT")
    try:
        rates = []
        for _ in range(args.rounds):
            name = f"addon_bench_{uuid.uuid4().hex[:8]}"
            with admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
            url = admin.url.set(database=name).render_as_string(hide_password=False)
            try:
                upgrade(url)
                rates.append(installs_per_second(issuer, url, args.count))
            finally:
                with admin.connect() as connection:
                    connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        postgres = statistics.median(rates)
        print(
            f"INSTALLED on PostgreSQL      {postgres:9.0f} /s  "
            f"ratio to bare verification {postgres / bare:.3f}"
        )
    except Exception as exc:  # a laptop without PostgreSQL still gets the SQLite figure
        print(f"INSTALLED on PostgreSQL      skipped ({type(exc).__name__})")
    finally:
        admin.dispose()


if __name__ == "__main__":
    main()
