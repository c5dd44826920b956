#!/usr/bin/env bash
# Development secrets, made once under .data/secrets (git-ignored) when the environment does not give them:
# an ES256 key pair for access tokens and a 32-byte key for encrypting platform tokens at rest.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
SECRETS_DIR="$STATE_DIR/secrets"
mkdir -p "$SECRETS_DIR" && chmod 700 "$SECRETS_DIR"
if [ -z "${JWT_PRIVATE_KEY:-}${JWT_PRIVATE_KEY_FILE:-}" ]; then
  if [ ! -f "$SECRETS_DIR/jwt-es256.pem" ]; then
    openssl ecparam -name prime256v1 -genkey -noout 2>/dev/null | openssl pkcs8 -topk8 -nocrypt -out "$SECRETS_DIR/jwt-es256.pem"
    openssl ec -in "$SECRETS_DIR/jwt-es256.pem" -pubout -out "$SECRETS_DIR/jwt-es256.pub.pem" 2>/dev/null
    chmod 600 "$SECRETS_DIR/jwt-es256.pem"
  fi
  echo "export JWT_PRIVATE_KEY_FILE='$SECRETS_DIR/jwt-es256.pem'"
  echo "export JWT_PUBLIC_KEY_FILE='$SECRETS_DIR/jwt-es256.pub.pem'"
fi
if [ -z "${ENCRYPTION_KEY:-}" ]; then
  [ -f "$SECRETS_DIR/encryption.key" ] || { openssl rand -base64 32 >"$SECRETS_DIR/encryption.key"; chmod 600 "$SECRETS_DIR/encryption.key"; }
  echo "export ENCRYPTION_KEY='$(cat "$SECRETS_DIR/encryption.key")'"
fi
