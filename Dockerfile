# Newsroom: one image for the web server (default command), the Celery worker and Celery beat.
#
#   docker build -t newsroom:latest .
#   docker run --rm -p 127.0.0.1:8000:8000 -e SECRET_KEY=... -e ALLOWED_HOSTS=... -e DATABASE_URL=... newsroom:latest
#
# The code runs from /app (WORKDIR, on PYTHONPATH) rather than from site-packages: setuptools installs only the
# .py files of the packages, not their templates, so the source tree is the one complete copy.

# --- Stage 1: runtime dependencies in a virtualenv ---------------------------------------------------------------
FROM python:3.13-slim AS deps

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

WORKDIR /build
# Only pyproject.toml: this layer (the slow one) is rebuilt when the dependencies change, not on every code edit.
# `pip install .` resolves [project].dependencies (no dev extras); the package itself is then removed again,
# because the application code is copied into /app below.
COPY pyproject.toml ./
RUN pip install --no-cache-dir . \
 && pip uninstall --yes newsroom

# --- Stage 2: the runtime image ----------------------------------------------------------------------------------
FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/app \
    NEWSROOM_VAR_DIR=/app/var

RUN groupadd --system --gid 10001 newsroom \
 && useradd --system --uid 10001 --gid newsroom --home-dir /app --no-create-home --shell /usr/sbin/nologin newsroom

COPY --from=deps /opt/venv /opt/venv

WORKDIR /app
# The source is owned by root and read-only for the app user; only var/ is writable (see below).
COPY . .

# Static files are collected into the image (var/static, served by whitenoise). Production mode with throwaway
# values, so that no generated var/secret_key ends up in a layer; nothing here touches a database.
# Then var/ and the directories that may become volumes (media, mail) are handed to the app user: Docker
# copies a directory's ownership into a fresh named volume mounted on it.
RUN NEWSROOM_MODE=production SECRET_KEY=build-only ALLOWED_HOSTS=localhost EMAIL_URL=consolemail:// \
        python manage.py collectstatic --noinput -v0 \
 && test ! -e var/secret_key \
 && mkdir -p var/media var/mail \
 && chown newsroom:newsroom var var/media var/mail

USER newsroom

EXPOSE 8000

# /healthz answers 200 while the database is reachable, 503 otherwise, and is exempt from the HTTPS redirect.
# The Host header is taken from ALLOWED_HOSTS (first entry) so the probe is not rejected by Django's host check.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; host = os.environ.get('ALLOWED_HOSTS', '').split(',')[0].strip().lstrip('.'); host = host if host and host != '*' else 'localhost'; urllib.request.urlopen(urllib.request.Request('http://127.0.0.1:8000/healthz', headers={'Host': host}), timeout=4)"]

# Worker and beat use the same image with another command (see docker-compose.yml).
CMD ["gunicorn", "newsroom.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
