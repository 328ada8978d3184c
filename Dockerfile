# syntax=docker/dockerfile:1
# tests/ship/test_shipped_runtime.py runs what this file builds, without Docker, and
# tests/unit/test_dockerfile.py keeps the two saying the same.

# Build stage: resolve the pinned, hash-checked runtime dependencies into a virtualenv.
FROM python:3.11-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /build
COPY requirements.lock .
RUN python -m venv /venv \
 && /venv/bin/pip install --require-hashes -r requirements.lock

# Runtime stage: the virtualenv, the code and the migrations; no compiler, no build files.
FROM python:3.11-slim AS runtime
ENV PATH=/venv/bin:$PATH \
    PYTHONPATH=/app \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    ADDON_ENV=production \
    GUNICORN_BIND=0.0.0.0:8080
# The fonts addon/render/fonts.py looks for: without DejaVu Sans, PDFs fall back to Helvetica,
# which prints Cyrillic, Greek, Hebrew and Arabic as empty boxes and is never embedded, so
# Factur-X invoices cannot be PDF/A; without WenQuanYi Micro Hei, CJK text prints as boxes.
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-dejavu-core fonts-wqy-microhei \
 && rm -rf /var/lib/apt/lists/*
# A home of its own (gunicorn keeps its control socket there); the code in /app stays root's,
# so the process cannot rewrite what it runs.
RUN groupadd --system --gid 10001 addon \
 && useradd --system --uid 10001 --gid addon --create-home --home-dir /home/addon \
    --shell /usr/sbin/nologin addon
COPY --from=build /venv /venv
WORKDIR /app
COPY addon ./addon
COPY migrations ./migrations
COPY manifest.json ./
USER addon
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
  CMD python -c "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=2).status == 200 else 1)"
# The web process. The same image runs the others with another command (deploy/compose.yaml):
#   python -m addon migrate     once per release, to completion, before the new code rolls out
#   python -m addon scheduler   sends due scheduled emails (any number, exactly once each)
#   python -m addon worker      builds report jobs (any number; jobs are leased in the database)
CMD ["gunicorn", "--config", "python:addon.gunicorn_conf", "addon:create_app()"]
