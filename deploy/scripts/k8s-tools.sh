#!/usr/bin/env bash
# Builds kustomize from the Go module proxy, once per version, into a cache outside the clone
# (${XDG_CACHE_HOME:-~/.cache}/vibetribe/tools/kustomize-<version>/), and prints its path.
# The manifest test (deploy/test/k8s.test.js) calls it; a second run only prints the path.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
KUSTOMIZE_VERSION=v5.8.1
dir="${XDG_CACHE_HOME:-$HOME/.cache}/vibetribe/tools/kustomize-$KUSTOMIZE_VERSION"
if [ ! -x "$dir/kustomize" ]; then
  go="$(command -v go || true)"
  [ -n "$go" ] || go=/usr/local/go/bin/go
  [ -x "$go" ] || die "kustomize $KUSTOMIZE_VERSION is built with Go, which is not installed (apt-get install golang-go, or Go 1.24+)"
  log "building kustomize $KUSTOMIZE_VERSION into $dir (a minute or two, once)"
  mkdir -p "$dir.tmp"
  # A private directory first, then a rename: an interrupted build leaves no half-built binary behind.
  GOBIN="$dir.tmp" GOFLAGS=-mod=mod nice "$go" install "sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION" >&2 \
    || die "building kustomize failed"
  rm -rf "$dir" && mv "$dir.tmp" "$dir"
fi
echo "$dir/kustomize"
