# Legadilo container image: `docker build -t legadilo .`, or `docker compose up -d` with compose.yaml.
#
# Both stages use the same base image, so the virtual environment built in the first one (whose
# `python` is a symlink to /usr/local/bin/python3.11) runs unchanged in the second one.
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# ---------------------------------------------------------------------------------------------------
# Builder: resolve nothing, install exactly what uv.lock says into /app/.venv.
# ---------------------------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS builder

ARG UV_VERSION=0.13.9
RUN pip install --no-cache-dir "uv==${UV_VERSION}"

ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PYTHON=/usr/local/bin/python3 \
    UV_PROJECT_ENVIRONMENT=/app/.venv

WORKDIR /app

# Dependencies first: this layer is rebuilt only when pyproject.toml or uv.lock change.
COPY pyproject.toml uv.lock ./
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-install-project

# Then the project itself.
#
# It is installed EDITABLE (the default of `uv sync`; no `--no-editable`): the venv only holds a .pth
# file pointing at /app, and the code runs from /app/legadilo and /app/cli. This is deliberate: the app
# finds its files relative to the package, `Path(__file__).parent.parent / "migrations"` (legadilo/db.py),
# `/ "templates"` (legadilo/app.py) and `/ "static"` (legadilo/web/assets.py), which only resolve to
# /app/migrations, /app/templates and /app/static when the source tree keeps its layout at /app.
# A non-editable install would put the packages in site-packages, where those folders do not exist.
COPY README.md ./
COPY legadilo/ ./legadilo/
COPY cli/ ./cli/
COPY migrations/ ./migrations/
COPY templates/ ./templates/
COPY static/ ./static/
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev \
    && /app/.venv/bin/python -m compileall -q legadilo cli migrations

# ---------------------------------------------------------------------------------------------------
# Runtime: no uv, no compiler, no curl; root owns the code, the `legadilo` user owns only /data.
# ---------------------------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS runtime

RUN groupadd --system --gid 1000 legadilo \
    && useradd --system --uid 1000 --gid legadilo --create-home --home-dir /home/legadilo \
        --shell /usr/sbin/nologin legadilo \
    && mkdir /data \
    && chown legadilo:legadilo /data \
    && chmod 0750 /data

# Same path as in the builder: the editable .pth file and the console scripts' shebangs name /app.
COPY --from=builder /app /app

ENV PATH=/app/.venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    LEGADILO_DATA_DIR=/data \
    LEGADILO_HOST=0.0.0.0

WORKDIR /app
USER legadilo
# Generated secret key (when LEGADILO_SECRET_KEY is unset), built static files, embedded database
# (when DATABASE_URL is unset). Declared after the chown so that new volumes belong to `legadilo`.
VOLUME ["/data"]
EXPOSE 8000

# /healthz answers 200 when the process is up and the database reachable, 503 otherwise; urlopen
# raises on anything but 2xx, hence exit 1. Follows LEGADILO_PORT and LEGADILO_TLS_CERTFILE when set
# (the certificate is not checked: it is issued for the public name, not 127.0.0.1).
# start-period covers the migrations `legadilo serve` applies before listening.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, ssl, urllib.request as r; tls = bool(os.environ.get('LEGADILO_TLS_CERTFILE')); r.urlopen(('https' if tls else 'http') + '://127.0.0.1:' + (os.environ.get('LEGADILO_PORT') or '8000') + '/healthz', timeout=4, context=ssl._create_unverified_context() if tls else None)"]

CMD ["legadilo", "serve"]
