#!/usr/bin/env bash
# Installs the Debian packages the portal needs, only when one is missing (fast on later runs).
#   chromium            browser tests (Playwright drives Debian's Chromium; its own download cannot work here)
#   poppler-utils       pdffonts / pdftotext, used by tests to check that PDFs embed the CJK font
#   libpango*, libharfbuzz-subset0, fontconfig   WeasyPrint
#   gettext             compilemessages (English translation)
#   gcc, libldap2-dev, libsasl2-dev   build python-ldap (directory login, django-auth-ldap; no wheels on PyPI)
#   slapd, ldap-utils   a real OpenLDAP server that the directory-login tests start on a free port
#   default-jre-headless   runs the Nu Html Checker of the accessibility gate (only when no `java` is on PATH)
set -euo pipefail
PACKAGES=(chromium poppler-utils libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fontconfig gettext
          gcc libldap2-dev libsasl2-dev slapd ldap-utils)
missing=()
if ! command -v java >/dev/null; then
  PACKAGES+=(default-jre-headless)
fi
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "[system-deps] installing: ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then SUDO="sudo"; else
    echo "[system-deps] not root and no sudo: install ${missing[*]} by hand" >&2; exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
echo "[system-deps] done"
