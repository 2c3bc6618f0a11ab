#!/usr/bin/env bash
# Builds the embedded database engine once and caches it (npm run db:build; npm start calls it too):
#   1. Debian's PostgreSQL 15 and the libraries the DocumentDB extension needs (installed as root;
#      as an ordinary user the script stops and prints the one command to run).
#   2. The DocumentDB extension and pgvector from the vendored archives in vendor/third_party/,
#      with the project's two shims for Debian's versions (libbson 1.23, no intelmathlib.pc),
#      staged into the cache and copied into PostgreSQL's folders.
#   3. FerretDB v2.5.0 from the Go module proxy, built with the Go toolchain it needs.
# Idempotent: a second run checks stamps and files and takes a second or two.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../../.." && pwd)
vendor="$root/vendor/third_party"
cache="${YINGJI_CACHE_DIR:-${FERRETDB_CACHE_DIR:-$HOME/.cache/yingji}}"
PG_MAJOR=15
PG_CONFIG="/usr/lib/postgresql/$PG_MAJOR/bin/pg_config"
DOCUMENTDB=documentdb-0.106.0-ferretdb-2.5.0
PGVECTOR=pgvector-0.8.0
FERRETDB_VERSION=v2.5.0
GO_TOOLCHAIN=go1.24.6 # FerretDB 2.5 fails to build with Go >= 1.25 (undefined: setGOMAXPROCS)
JOBS=$(nproc 2>/dev/null || echo 2)

say() { printf '[db:build] %s\n' "$*" >&2; }
die() {
  say "$*"
  exit 1
}

# ---- 1. Debian packages ---------------------------------------------------------------------
packages=(postgresql-$PG_MAJOR postgresql-server-dev-$PG_MAJOR postgresql-$PG_MAJOR-cron
  postgresql-$PG_MAJOR-postgis-3 postgresql-$PG_MAJOR-rum libbson-dev libintelrdfpmath-dev
  libpcre2-dev libkrb5-dev libicu-dev pkg-config make gcc patch)
missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
else
  [ -x "$PG_CONFIG" ] || die "PostgreSQL $PG_MAJOR is needed (Debian/Ubuntu packages: ${packages[*]}), or set MONGODB_URI."
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    say "installing Debian packages (once, ~400 MB): ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    say "Debian packages installed"
  else
    say "The embedded database needs Debian packages that are not installed. Run once:"
    say "  sudo apt-get install -y --no-install-recommends ${missing[*]}"
    say "then run this again (or set MONGODB_URI to use a MongoDB server instead)."
    exit 3
  fi
fi

# ---- 2. DocumentDB + pgvector ---------------------------------------------------------------
# The cache key: the sources, the shim, and this revision (raise it when the build steps change).
BUILD_REVISION=1
key=$( (cat "$vendor/$DOCUMENTDB.tar.gz" "$vendor/$PGVECTOR.tar.gz" "$here/libbson-1.23.patch" && echo "$BUILD_REVISION") |
  sha256sum | cut -c1-12)
stage="$cache/documentdb-pg$PG_MAJOR-$key"
pkglib=$("$PG_CONFIG" --pkglibdir)
sharedir=$("$PG_CONFIG" --sharedir)
installed() {
  [ -f "$pkglib/pg_documentdb.so" ] && [ -f "$pkglib/pg_documentdb_core.so" ] && [ -f "$pkglib/vector.so" ] &&
    [ -f "$sharedir/extension/documentdb.control" ] && [ -f "$sharedir/extension/vector.control" ] &&
    cmp -s "$stage/stage$pkglib/pg_documentdb.so" "$pkglib/pg_documentdb.so"
}
if [ ! -f "$stage/done" ]; then
  say "building the DocumentDB extension and pgvector (once, about a minute)"
  started=$SECONDS
  work=$(mktemp -d "${TMPDIR:-/tmp}/yingji-documentdb-XXXXXX")
  trap 'rm -rf "$work"' EXIT
  tar -xzf "$vendor/$DOCUMENTDB.tar.gz" -C "$work"
  tar -xzf "$vendor/$PGVECTOR.tar.gz" -C "$work"
  src="$work/$DOCUMENTDB"
  (cd "$src" && patch -p1 -s <"$here/libbson-1.23.patch")
  # Debian ships the Intel decimal library without a pkg-config file.
  mkdir -p "$work/pkgconfig"
  cat >"$work/pkgconfig/intelmathlib.pc" <<EOF
Name: intelmathlib
Description: Intel Decimal Floating-Point Math Library (Debian libintelrdfpmath-dev)
Version: 2.0
Libs: -L/usr/lib/$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu) -lbidgcc000
Cflags: -I/usr/include
EOF
  export PKG_CONFIG_PATH="$work/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
  # Outside a git checkout the version header would read "unknown"; FerretDB expects this one.
  for ext in pg_documentdb_core pg_documentdb; do
    mkdir -p "$src/$ext/build/include/metadata"
    printf '#define EXTENSION_VERSION_STR "0.106.0"\n#define GIT_VERSION "HEAD sha:beb9d25d98 buildId:0"\n' \
      >"$src/$ext/build/include/metadata/documentdb_extension_version.h"
  done
  mkdir -p "$stage.tmp"
  for part in pg_documentdb_core pg_documentdb; do
    say "  compiling $part"
    make -s -C "$src/$part" -j"$JOBS" PG_CONFIG="$PG_CONFIG" >"$work/$part.log" 2>&1 ||
      { tail -30 "$work/$part.log" >&2; die "building $part failed"; }
    make -s -C "$src/$part" install PG_CONFIG="$PG_CONFIG" DESTDIR="$stage.tmp/stage" >>"$work/$part.log" 2>&1 ||
      { tail -30 "$work/$part.log" >&2; die "staging $part failed"; }
    # pg_documentdb links against pg_documentdb_core from the system folder at run time.
    if [ "$part" = pg_documentdb_core ]; then cp "$stage.tmp/stage$pkglib/pg_documentdb_core.so" "$src/$part/"; fi
  done
  say "  compiling pgvector"
  make -s -C "$work/$PGVECTOR" -j"$JOBS" PG_CONFIG="$PG_CONFIG" OPTFLAGS="" >"$work/pgvector.log" 2>&1 ||
    { tail -30 "$work/pgvector.log" >&2; die "building pgvector failed"; }
  make -s -C "$work/$PGVECTOR" install PG_CONFIG="$PG_CONFIG" OPTFLAGS="" DESTDIR="$stage.tmp/stage" \
    >>"$work/pgvector.log" 2>&1 || die "staging pgvector failed"
  touch "$stage.tmp/done"
  rm -rf "$stage"
  mv "$stage.tmp" "$stage"
  say "  built in $((SECONDS - started)) s (cached in $stage)"
fi
if ! installed; then
  if [ -w "$pkglib" ] && [ -w "$sharedir/extension" ]; then
    # --remove-destination: a new file, never rewritten in place under a running PostgreSQL.
    cp -a --remove-destination "$stage/stage/." /
    say "DocumentDB extension installed into PostgreSQL $PG_MAJOR"
  else
    say "The DocumentDB extension is built but must be copied into PostgreSQL's folders as root. Run once:"
    say "  sudo cp -a --remove-destination '$stage/stage/.' /"
    exit 3
  fi
fi

# ---- 3. FerretDB ----------------------------------------------------------------------------
bin="$cache/ferretdb-$FERRETDB_VERSION"
if [ ! -x "$bin" ]; then
  command -v go >/dev/null 2>&1 || die "Go is needed once to build FerretDB (any Go >= 1.21 fetches $GO_TOOLCHAIN itself), or set MONGODB_URI."
  say "building FerretDB $FERRETDB_VERSION with $GO_TOOLCHAIN (once, about a minute)"
  started=$SECONDS
  export GOTOOLCHAIN=$GO_TOOLCHAIN GOFLAGS=-mod=mod
  mod=$(cd "${TMPDIR:-/tmp}" && go mod download -json "github.com/FerretDB/FerretDB/v2@$FERRETDB_VERSION" 2>/dev/null |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [ -n "$mod" ] && [ -d "$mod" ] || die "could not download the FerretDB module"
  fsrc=$(mktemp -d "${TMPDIR:-/tmp}/yingji-ferretdb-XXXXXX")
  cp -r "$mod/." "$fsrc"
  chmod -R u+w "$fsrc"
  # The module zip lacks the generated version file that the binary embeds and requires.
  echo "$FERRETDB_VERSION" >"$fsrc/build/version/version.txt"
  mkdir -p "$cache"
  (cd "$fsrc" && go build -trimpath -o "$bin.tmp" ./cmd/ferretdb) >"$cache/ferretdb-build.log" 2>&1 || { rm -rf "$fsrc"; die "building FerretDB failed"; }
  rm -rf "$fsrc"
  mv "$bin.tmp" "$bin"
  say "  built in $((SECONDS - started)) s"
fi
say "ready: PostgreSQL $PG_MAJOR + DocumentDB 0.106.0 + FerretDB $FERRETDB_VERSION ($bin)"
