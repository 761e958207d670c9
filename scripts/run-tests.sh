#!/usr/bin/env bash
# Run the whole suite on SQLite, then on a fresh PostgreSQL database when a server
# can be reached (started here if it is installed but not running).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

pg_url="${KENNISBRUG_TEST_POSTGRES_URL:-}"
if [ -z "$pg_url" ] && command -v pg_ctlcluster >/dev/null 2>&1; then
  if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    version=$(ls /etc/postgresql | sort -V | tail -n 1)
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  fi
  if pg_isready -q -h 127.0.0.1 -p 5432; then
    db="kennisbrug_test_$$"
    psql -h 127.0.0.1 -U postgres -d postgres -qc "CREATE DATABASE $db" >/dev/null
    trap 'psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true' EXIT
    pg_url="postgresql+psycopg://postgres@127.0.0.1:5432/$db"
  fi
fi

echo "== test suite on SQLite (with the coverage gate of pyproject.toml) =="
env -u KENNISBRUG_TEST_POSTGRES_URL KENNISBRUG_TEST_DB=sqlite "$BIN/pytest" --cov "$@"

if [ -n "$pg_url" ]; then
  echo "== test suite on PostgreSQL =="
  KENNISBRUG_TEST_DB=postgres KENNISBRUG_TEST_POSTGRES_URL="$pg_url" "$BIN/pytest" "$@"
else
  echo "PostgreSQL not reachable: the PostgreSQL run was skipped" >&2
  exit 1
fi
