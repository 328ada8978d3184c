"""Scraping the add-on's `/metrics` as Prometheus does: with the bearer token, into samples."""

from __future__ import annotations

import requests

__all__ = ["scrape"]


def scrape(url: str, token: str) -> dict[str, float]:
    """Every sample of `url/metrics` by its name and labels, e.g. `x_total{state="done"}`."""
    answer = requests.get(
        f"{url}/metrics", headers={"Authorization": f"Bearer {token}"}, timeout=10
    )
    assert answer.status_code == 200, answer.text
    samples = {}
    for line in answer.text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            samples[name] = float(value)
    return samples
