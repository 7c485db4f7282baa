#!/bin/sh
# The Phylactery image's entry point (test VM): PostgreSQL 17 and pgvector from Debian's packages,
# honouring the contract of the image the Codex names (docker.io/pgvector/pgvector:pg17, i.e. the
# official postgres image): the superuser's password from $POSTGRES_PASSWORD_FILE, the cluster in
# $PGDATA (default /var/lib/postgresql/data), the port in $PGPORT. Started as root it runs the
# server as postgres (999); started as another user (the pod's keep-id maps the host user to
# 10001, whom the unit's :U makes the volume's owner) it runs the server as that user.
set -eu
PGDATA=${PGDATA:-/var/lib/postgresql/data}
BIN=/usr/lib/postgresql/17/bin
export PGDATA

if [ "$(id -u)" = 0 ]; then
  # As root: the unit's :U gives the whole volume to the container's user (root) at every
  # start, so hand the cluster and the socket folder back to postgres, as the official image's
  # entry point does, then run this script again as postgres.
  mkdir -p "$PGDATA" /run/postgresql
  chown -R postgres:postgres "$PGDATA" /run/postgresql
  chmod 0700 "$PGDATA"
  exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  [ -r "${POSTGRES_PASSWORD_FILE:-}" ] || { echo "phylactery: POSTGRES_PASSWORD_FILE is not a readable file" >&2; exit 1; }
  echo "phylactery: initialising the cluster in $PGDATA"
  "$BIN/initdb" --username=postgres --pwfile="$POSTGRES_PASSWORD_FILE" --auth-local=trust --auth-host=scram-sha-256 \
    --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  echo "host all all all scram-sha-256" >>"$PGDATA/pg_hba.conf"
fi
exec "$BIN/postgres" -c jit=off -c listen_addresses='*' -c unix_socket_directories=/run/postgresql -p "${PGPORT:-5432}" "$@"
