"""The image's virtualenv without Docker: `python -m venv` plus `pip install --require-hashes -r
requirements.lock`, exactly the Dockerfile's build stage, and nothing from the dev lock.

Building it takes about 30 s, so it is kept between runs under the user's cache directory
(`$XDG_CACHE_HOME`, else `~/.cache`), in a folder named for the SHA-256 of the lock file and the
interpreter's version: a changed lock (or Python) gets a new folder and so a fresh build, never
an upgrade in place that could hide a package the lock no longer names. A folder counts only
once its `complete` marker is written, so a build interrupted half-way is thrown away and
redone. A file lock lets two test runs share the cache without building the same folder at
once, and a run holds a shared lock on the folder it uses, so no other run deletes it meanwhile.
pip keeps its own download cache as usual; only the venv is ours.

A virtualenv cannot be moved (its scripts name their interpreter by absolute path), so each one
is built where it stays; older builds are deleted once a newer one is complete.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["cache_root", "shipped_venv"]

_PREFIX = "venv-"
_MARKER = "complete"


def cache_root(environ: dict[str, str] | None = None) -> Path:
    """Where built virtualenvs live: outside the repository, shared by its work trees."""
    env = os.environ if environ is None else environ
    base = env.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "clockify-reports-addon" / "shipped"


def _key(lock: Path) -> str:
    digest = hashlib.sha256(lock.read_bytes())
    digest.update(sys.version.encode())
    return digest.hexdigest()[:24]


@contextmanager
def shipped_venv(lock: Path, *, log: Path) -> Iterator[Path]:
    """A virtualenv holding exactly `lock` (hash-checked), built on first use, then reused;
    in use until the `with` block ends.

    pip's output goes to `log`, which the caller prints if the build fails.
    """
    root = cache_root()
    root.mkdir(parents=True, exist_ok=True)
    venv = root / f"{_PREFIX}{_key(lock)}"
    with open(root / f"{venv.name}.lock", "w") as guard:
        fcntl.flock(guard, fcntl.LOCK_EX)
        if not (venv / _MARKER).exists():
            shutil.rmtree(venv, ignore_errors=True)
            _build(venv, lock, log)
            (venv / _MARKER).write_text(lock.read_text())
        _prune(root, keep=venv)
        fcntl.flock(guard, fcntl.LOCK_SH)  # in use: others may read it, nobody deletes it
        yield venv


def _build(venv: Path, lock: Path, log: Path) -> None:
    with open(log, "w") as out:
        # The base interpreter, not the dev venv's: `python -m venv` run from inside a venv
        # would still create an independent one, but this says so.
        base = getattr(sys, "_base_executable", sys.executable)
        subprocess.run([base, "-m", "venv", str(venv)], check=True, stdout=out, stderr=out)  # noqa: S603
        subprocess.run(  # noqa: S603  # our own interpreter and the committed lock
            [
                str(venv / "bin" / "python"),
                "-m",
                "pip",
                "install",
                "--disable-pip-version-check",
                "--no-input",
                "--require-hashes",
                "-r",
                str(lock),
            ],
            check=True,
            stdout=out,
            stderr=out,
            env={k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}},
        )


def _prune(root: Path, *, keep: Path) -> None:
    """Delete builds for other locks that no run is using (a held lock means in use)."""
    for other in root.glob(f"{_PREFIX}*"):
        if other == keep or not other.is_dir():
            continue
        with open(root / f"{other.name}.lock", "w") as guard:
            try:
                fcntl.flock(guard, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue
            shutil.rmtree(other, ignore_errors=True)
        (root / f"{other.name}.lock").unlink(missing_ok=True)
