# Throwaway PostgreSQL cluster for tests. Source this file, then:
#   pg_start <dir>   # sets TSUNAGU_TEST_DATABASE_URL, returns non-zero if it cannot
#   pg_stop          # stops the cluster started by pg_start
# The cluster listens on 127.0.0.1 only, on a free port, with trust auth, and lives in <dir>.

pg_bindir() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && { echo "$d"; return 0; }
  done
  return 1
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

pg_start() {
  local dir=$1 bin port run
  bin=$(pg_bindir) || { echo "PostgreSQL server binaries not found" >&2; return 1; }
  port=$(free_port)
  rm -rf "$dir" && mkdir -p "$dir"
  run=()
  if [ "$(id -u)" = 0 ]; then
    # initdb refuses to run as root; the postgres user must also be able to reach $dir
    # (mktemp -d makes its directory 0700).
    chown postgres:postgres "$dir"
    chmod o+x "$(dirname "$dir")"
    run=(runuser -u postgres --)
  fi
  "${run[@]}" "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; return 1; }
  "${run[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/pg.log" -w \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null \
    || { cat "$dir/pg.log" >&2; return 1; }
  PG_DIR=$dir
  PG_RUN=("${run[@]}")
  PG_BIN=$bin
  export TSUNAGU_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
  echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') started on 127.0.0.1:$port (data in $dir)"
}

pg_stop() {
  [ -n "${PG_DIR:-}" ] || return 0
  "${PG_RUN[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  echo "PostgreSQL stopped"
  PG_DIR=
}
