#!/usr/bin/env bash
# Builds the Temporal server, its SQL schema tool and the Web UI server from the Go module proxy, at the
# versions pinned in lib.sh, into a cache outside the clone keyed by version (temporal_cluster_cache_dir):
# another clone on this machine reuses them. Idempotent: a complete cache (a .complete stamp) is left as it
# is; a lock (flock) makes a second concurrent start wait for the first build instead of building twice.
# The schema files (schema/postgresql/v12) come from the server's module and are copied beside the binaries.
# Prints the cache directory on stdout.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DEST="$(temporal_cluster_cache_dir)"
if [ -f "$DEST/.complete" ]; then echo "$DEST"; exit 0; fi
mkdir -p "$(dirname "$DEST")"
exec 9>"$DEST.lock"
if ! flock -n 9; then
  log "another process is building Temporal $TEMPORAL_SERVER_VERSION into $DEST; waiting for it"
  flock 9
fi
if [ -f "$DEST/.complete" ]; then echo "$DEST"; exit 0; fi

GO="${VT_GO:-$(command -v go || echo /usr/local/go/bin/go)}"
[ -x "$GO" ] || die "no Go toolchain: install Go 1.26 (/usr/local/go/bin/go); it fetches $TEMPORAL_GO_TOOLCHAIN itself"
log "building Temporal server $TEMPORAL_SERVER_VERSION and UI server $TEMPORAL_UI_SERVER_VERSION with $TEMPORAL_GO_TOOLCHAIN into $DEST (10+ minutes of CPU the first time)"
rm -rf "$DEST.tmp" && mkdir -p "$DEST.tmp/bin" "$DEST.tmp/ui-bin"
export GOTOOLCHAIN="$TEMPORAL_GO_TOOLCHAIN" GOFLAGS=-mod=mod CGO_ENABLED=0
started=$SECONDS
# The module proxy's modules are built outside any module (pkg@version), so no go.mod is needed here.
(cd "$DEST.tmp" &&
  GOBIN="$DEST.tmp/bin" nice -n 10 "$GO" install \
    "go.temporal.io/server/cmd/server@$TEMPORAL_SERVER_VERSION" \
    "go.temporal.io/server/cmd/tools/sql@$TEMPORAL_SERVER_VERSION" &&
  GOBIN="$DEST.tmp/ui-bin" nice -n 10 "$GO" install "github.com/temporalio/ui-server/v2/cmd/server@$TEMPORAL_UI_SERVER_VERSION") ||
  die "building Temporal failed (see the output above)"
mv "$DEST.tmp/bin/server" "$DEST.tmp/bin/temporal-server"
mv "$DEST.tmp/bin/sql" "$DEST.tmp/bin/temporal-sql-tool"
mv "$DEST.tmp/ui-bin/server" "$DEST.tmp/bin/temporal-ui-server" && rmdir "$DEST.tmp/ui-bin"
moddir="$(cd "$DEST.tmp" && "$GO" mod download -json "go.temporal.io/server@$TEMPORAL_SERVER_VERSION" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')"
[ -d "$moddir/schema/postgresql/v12" ] || die "the server module has no schema/postgresql/v12 (looked in '$moddir')"
mkdir -p "$DEST.tmp/schema" && cp -r "$moddir/schema/postgresql/v12" "$DEST.tmp/schema/" && chmod -R u+w "$DEST.tmp/schema"
echo "$((SECONDS - started))" >"$DEST.tmp/.build-seconds"
date -u +%FT%TZ >"$DEST.tmp/.complete"
rm -rf "$DEST" && mv "$DEST.tmp" "$DEST"
log "Temporal $TEMPORAL_SERVER_VERSION built in $((SECONDS - started))s: $DEST"
echo "$DEST"
