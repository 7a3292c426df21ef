#!/usr/bin/env bash
# Idempotent: PostgreSQL 15 (Debian packages) + pgvector, a running cluster, and the test database
#   postgres://rome:rome@127.0.0.1:5432/rome_test  with the `vector` extension created by the superuser.
# pgvector is not packaged for PostgreSQL 15 in bookworm, so we build it from Debian's own trixie *source*
# package: the trixie entry is deb-src ONLY (no trixie binary can ever be installed) and is removed afterwards.
# Runs as root on a fresh Debian 12 machine and on a re-run (then it only checks and starts the cluster).
set -euo pipefail
PGVER=15
DB=${ROME_TEST_DB:-rome_test}
export DEBIAN_FRONTEND=noninteractive

as_postgres() { runuser -u postgres -- "$@"; }

if ! dpkg -s "postgresql-$PGVER" >/dev/null 2>&1; then
  echo "setup-postgres: installing postgresql-$PGVER"
  apt-get update -q
  apt-get install -y -q --no-install-recommends "postgresql-$PGVER" postgresql-contrib
fi

if [ ! -f "/usr/share/postgresql/$PGVER/extension/vector.control" ]; then
  echo "setup-postgres: building pgvector from Debian's trixie source package"
  SRC_LIST=/etc/apt/sources.list.d/rome-match-trixie-src.sources
  cat > "$SRC_LIST" <<SRC
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  trap 'rm -f "$SRC_LIST"' EXIT
  apt-get update -q
  apt-get install -y -q --no-install-recommends "postgresql-server-dev-$PGVER" build-essential dpkg-dev
  WORK=$(mktemp -d)
  chmod 755 "$WORK"
  ( cd "$WORK" && apt-get source -q pgvector/trixie )
  PGV_DIR=$(find "$WORK" -maxdepth 1 -mindepth 1 -type d -name 'pgvector-*' | head -n1)
  # with_llvm=no: skip JIT bitcode (needs clang, gives nothing for this extension's tests).
  make -C "$PGV_DIR" USE_PGXS=1 with_llvm=no PG_CONFIG="/usr/lib/postgresql/$PGVER/bin/pg_config" -j"$(nproc)"
  make -C "$PGV_DIR" USE_PGXS=1 with_llvm=no PG_CONFIG="/usr/lib/postgresql/$PGVER/bin/pg_config" install
  rm -rf "$WORK" "$SRC_LIST"
  apt-get update -q >/dev/null || true
fi

if ! pg_lsclusters -h | awk -v v="$PGVER" '$1==v && $2=="main"' | grep -q .; then
  echo "setup-postgres: creating cluster $PGVER/main"
  pg_createcluster "$PGVER" main
fi
if ! pg_lsclusters -h | awk -v v="$PGVER" '$1==v && $2=="main" && $4=="online"' | grep -q .; then
  echo "setup-postgres: starting cluster $PGVER/main"
  pg_ctlcluster "$PGVER" main start
fi
for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
pg_isready -h 127.0.0.1 -p 5432

as_postgres psql -v ON_ERROR_STOP=1 -q -d postgres <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rome') THEN
    CREATE ROLE rome LOGIN PASSWORD 'rome';
  END IF;
END \$\$;
SQL
if ! as_postgres psql -tAq -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1; then
  as_postgres createdb -O rome "$DB"
fi
# vector is not a trusted extension: the superuser creates it, the app role only uses it.
as_postgres psql -v ON_ERROR_STOP=1 -q -d "$DB" -c "SET client_min_messages = warning" -c "CREATE EXTENSION IF NOT EXISTS vector"
echo "setup-postgres: ready: postgres://rome:rome@127.0.0.1:5432/$DB (vector $(as_postgres psql -tAq -d "$DB" -c "SELECT extversion FROM pg_extension WHERE extname='vector'"))"
