#!/usr/bin/env bash
# Re-fetch the vendored front-end files from the npm registry into static/vendor (see its README).
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm init -y >/dev/null && npm install --silent bootstrap@5.3.9 bootstrap-icons@1.13.2 htmx.org@2.0.11 echarts@5.6.0)
nm="$tmp/node_modules"
cp "$nm/bootstrap/dist/css/bootstrap.min.css" "$nm/bootstrap/dist/js/bootstrap.bundle.min.js" static/vendor/bootstrap/
cp "$nm/bootstrap-icons/font/bootstrap-icons.min.css" static/vendor/bootstrap-icons/
cp -r "$nm/bootstrap-icons/font/fonts" static/vendor/bootstrap-icons/
cp "$nm/htmx.org/dist/htmx.min.js" static/vendor/htmx/
cp "$nm/echarts/dist/echarts.min.js" static/vendor/echarts/
# Source-map comments point at files we do not ship; the manifest storage would refuse them.
sed -i 's#/\*\# sourceMappingURL=[^*]*\*/##; s#//\# sourceMappingURL=.*$##' static/vendor/bootstrap/*
echo "vendored assets refreshed"
