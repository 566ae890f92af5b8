#!/usr/bin/env bash
# Tools the test suite needs besides Python packages: the Nu Html Checker (vnu-jar from npm, pinned)
# in var/tools/. It runs on Debian's Java (scripts/system_deps.sh installs default-jre-headless).
# Fast when present. axe-core is vendored in tests/browser/vendor/ (no install needed).
set -euo pipefail
cd "$(dirname "$0")/.."
VNU_VERSION=26.9.27
dir=var/tools/vnu-$VNU_VERSION
jar=$dir/node_modules/vnu-jar/build/dist/vnu.jar
if [ -s "$jar" ]; then
  exit 0
fi
command -v npm >/dev/null || { echo "[test-tools] npm is needed to fetch vnu-jar" >&2; exit 1; }
echo "[test-tools] installing vnu-jar@$VNU_VERSION into $dir"
mkdir -p "$dir"
# --ignore-scripts: its postinstall downloads a Java runtime; Debian's is used instead.
npm install --silent --no-audit --no-fund --ignore-scripts --prefix "$dir" "vnu-jar@$VNU_VERSION" >/dev/null
test -s "$jar"
echo "[test-tools] done"
