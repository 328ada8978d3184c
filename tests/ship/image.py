"""What the image holds and runs, stated once: the smoke test runs exactly this, and unit tests
check that the Dockerfile and deploy/compose.yaml say the same (tests/unit/test_dockerfile.py
and test_compose_file.py), so the three cannot drift apart."""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "APP_DIR",
    "COMMANDS",
    "COPIED",
    "FONT_PACKAGES",
    "HEALTHCHECK",
    "HOME_DIR",
    "IMAGE_ENV",
    "REPO",
    "VENV_DIR",
    "app_environment",
]

REPO = Path(__file__).resolve().parents[2]

APP_DIR = "/app"
VENV_DIR = "/venv"
HOME_DIR = "/home/addon"

COPIED = ("addon", "migrations", "manifest.json")
"""The repository paths the runtime stage copies into `/app`, in the Dockerfile's order."""

COMMANDS: dict[str, tuple[str, ...]] = {
    "migrate": ("python", "-m", "addon", "migrate"),
    "web": ("gunicorn", "--config", "python:addon.gunicorn_conf", "addon:create_app()"),
    "scheduler": ("python", "-m", "addon", "scheduler"),
    "worker": ("python", "-m", "addon", "worker"),
}
"""Each process of a deployment: `web` is the image's CMD; the others override it."""

IMAGE_ENV = {
    "PATH": f"{VENV_DIR}/bin:$PATH",
    "PYTHONPATH": APP_DIR,
    "PYTHONDONTWRITEBYTECODE": "1",
    "PYTHONUNBUFFERED": "1",
    "ADDON_ENV": "production",
    "GUNICORN_BIND": "0.0.0.0:8080",
}
"""The runtime stage's ENV, as written in the Dockerfile."""

HEALTHCHECK = (
    'python -c "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('
    "'http://127.0.0.1:8080/healthz', timeout=2).status == 200 else 1)\""
)
"""The Dockerfile's HEALTHCHECK command (shell form); the smoke test runs it against gunicorn."""

FONT_PACKAGES = {
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf": "fonts-dejavu-core",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc": "fonts-wqy-microhei",
}
"""The Debian package of each font file addon/render/fonts.py tries first."""


def app_environment(app: Path, venv: Path, home: Path, system_path: str) -> dict[str, str]:
    """`IMAGE_ENV` with the image's folders replaced by this machine's: the base every shipped
    process starts from (the caller adds the deployment's `ADDON_*` settings). Nothing else of
    the test's own environment is passed on."""
    env = {
        name: value.replace(VENV_DIR, str(venv))
        .replace(APP_DIR, str(app))
        .replace("$PATH", system_path)
        for name, value in IMAGE_ENV.items()
    }
    env["HOME"] = str(home)  # the image's user's home (HOME_DIR)
    return env
