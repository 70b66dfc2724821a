#!/usr/bin/env bash
# python3 with pure-Python sympy and mpmath from Debian, for the CPython verifier, the grader's
# sympy back end and the GraalPy verifier's optional --python-path tests
# (/usr/lib/python3/dist-packages). Idempotent: installs only what is missing.
set -euo pipefail
missing=()
for p in python3 python3-sympy python3-mpmath; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "10-python-packages: cannot install ${missing[*]} (need root and apt-get); sympy tests will be skipped" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
