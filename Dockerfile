# syntax=docker/dockerfile:1
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
RUN groupadd --system --gid 10001 addon \
 && useradd --system --uid 10001 --gid addon --home-dir /app --shell /usr/sbin/nologin addon
COPY --from=build /venv /venv
WORKDIR /app
COPY --chown=addon:addon addon ./addon
COPY --chown=addon:addon migrations ./migrations
COPY --chown=addon:addon manifest.json ./
USER addon
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
  CMD python -c "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=2).status == 200 else 1)"
# Run `python -m addon migrate` once per release (a job or init container) before rolling out.
CMD ["gunicorn", "--config", "python:addon.gunicorn_conf", "addon:create_app()"]
