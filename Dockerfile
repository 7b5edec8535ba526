# syntax=docker/dockerfile:1
# Bastion's container image (docs/docker.md).
#
#   docker build -t bastion .                 the production image (last stage)
#   docker build --target dev -t bastion-dev .  what docker-compose.yml runs
#
# The production image serves with gunicorn and the same gunicorn.conf.py as
# the Procfile; the release step is a one-off container of the same image:
#   docker run --rm --env-file prod.env bastion ./heroku-release.sh

# Shared by every stage, so the virtual environment built in one stage finds
# its interpreter at the same path in the others.
FROM python:3.13-slim AS base

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH

# The app never runs as root; it owns nothing in the image, so it cannot
# rewrite its own code or static files. USER names it by number so that
# runtimes enforcing a non-root user (Kubernetes runAsNonRoot) can verify it.
RUN groupadd --gid 10001 bastion \
    && useradd --uid 10001 --gid bastion --no-create-home \
        --home-dir /nonexistent --shell /usr/sbin/nologin bastion

WORKDIR /app


# The locked runtime dependencies, with a pinned uv. The venv lives outside
# /app so that docker-compose.yml's bind mount of the source cannot hide it.
FROM base AS deps

COPY --from=ghcr.io/astral-sh/uv:0.13.8 /uv /usr/local/bin/uv

ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/opt/venv

# Only uv.lock, pyproject.toml and .python-version are copied in here, so editing
# the code reuses this layer, and any change to them rebuilds it (a copied file is
# part of the layer's cache key; a bind mount's content is not, for every builder).
# No dev group: linters and test tools stay out.
COPY uv.lock pyproject.toml .python-version ./
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --locked --no-install-project --no-default-groups


# Development (docker-compose.yml): the dev group too, so the everyday test
# suite, ruff and mypy run inside the container. The whole source is
# bind-mounted there; the copy makes the image serve on its own as well.
FROM deps AS dev

RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --locked --no-install-project --no-default-groups --group dev

COPY . .

# Uploads land in media/ in development (no bucket configured): the app's
# user owns that folder and nothing else.
RUN mkdir -p /app/media && chown 10001:10001 /app/media

USER 10001:10001
EXPOSE 8000
CMD ["python", "manage.py", "runserver", "0.0.0.0:8000"]


# The source, and the static files collected with hashed names and
# compressed copies (WhiteNoise). No secret is needed to import the settings;
# only serving refuses a missing SECRET_KEY.
FROM deps AS build

COPY . .

RUN python manage.py collectstatic --noinput


# Production: the interpreter, the venv and the app; no uv, no build tools.
# The venv comes from deps, which a source change leaves alone, so a rebuild
# after editing code reuses that layer instead of copying it again.
FROM base AS production

COPY --from=deps /opt/venv /opt/venv
COPY --from=build /app /app

USER 10001:10001

# The version Sentry files errors under: `--build-arg APP_RELEASE=$(git rev-parse HEAD)`.
ARG APP_RELEASE=""
ENV APP_RELEASE=${APP_RELEASE}

# gunicorn.conf.py binds every interface when PORT is set (as a platform sets it),
# and loopback only without it: the container's port must be reachable from outside.
ENV PORT=8000
EXPOSE 8000

# Asks /healthz with the first host in ALLOWED_HOSTS as Host, so the probe
# passes Django's host check without adding localhost to ALLOWED_HOSTS
# (docker/healthcheck.py says why). /healthz skips the HTTPS redirect.
HEALTHCHECK --interval=30s --timeout=10s --start-period=20s --retries=3 \
    CMD ["python", "/app/docker/healthcheck.py"]

# gunicorn with gunicorn.conf.py, started through config/serve.py: a WEB_CONCURRENCY
# gunicorn cannot read stops it with one line instead of a traceback.
CMD ["python", "-m", "config.serve", "--config", "gunicorn.conf.py", "config.wsgi"]
