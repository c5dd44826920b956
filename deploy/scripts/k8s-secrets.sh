#!/usr/bin/env bash
# `bash deploy/scripts/k8s-secrets.sh deploy/k8s/overlays/<overlay>`: makes the secret files an overlay's
# secretGenerator reads, those that are missing, under <overlay>/secrets/ (git-ignored): the ES256 key pair
# for access tokens (the same files and names as `npm start`'s .data/secrets), a 32-byte ENCRYPTION_KEY,
# and database.env from DATABASE_URL (required when that file is missing). Existing files are kept.
set -euo pipefail
overlay="${1:?usage: k8s-secrets.sh <overlay directory>}"
dir="$overlay/secrets"
mkdir -p "$dir" && chmod 700 "$dir"
umask 077
if [ ! -f "$dir/jwt-es256.pem" ]; then
  openssl ecparam -name prime256v1 -genkey -noout 2>/dev/null | openssl pkcs8 -topk8 -nocrypt -out "$dir/jwt-es256.pem"
  openssl ec -in "$dir/jwt-es256.pem" -pubout -out "$dir/jwt-es256.pub.pem" 2>/dev/null
  echo "made $dir/jwt-es256.pem and jwt-es256.pub.pem" >&2
fi
if [ ! -f "$dir/encryption.env" ]; then
  echo "ENCRYPTION_KEY=$(openssl rand -base64 32)" >"$dir/encryption.env"
  echo "made $dir/encryption.env" >&2
fi
if [ ! -f "$dir/database.env" ]; then
  [ -n "${DATABASE_URL:-}" ] || { echo "k8s-secrets: set DATABASE_URL (postgres://user:password@host:5432/db) to make $dir/database.env" >&2; exit 1; }
  echo "DATABASE_URL=$DATABASE_URL" >"$dir/database.env"
  echo "made $dir/database.env" >&2
fi
