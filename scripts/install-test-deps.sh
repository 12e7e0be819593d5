#!/usr/bin/env bash
# Install what the test suite needs outside the virtual environment, only when missing:
#   - Debian packages: Chromium (browser tests), the PostgreSQL server (second test run),
#     poppler-utils (reading PDFs back), WeasyPrint's libraries and fonts;
#   - axe-core from npm, at an exact version, into node_modules/ at the repository root.
# Quick when everything is there: no apt-get and no npm call at all.
set -euo pipefail

AXE_CORE_VERSION="${AXE_CORE_VERSION:-4.14.1}"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

apt_packages=(
  chromium            # /usr/bin/chromium, driven by Playwright
  postgresql          # server for scripts/with-postgres.sh
  pgbouncer           # tests/service/test_pgbouncer.py: transaction pooling in front of it
  poppler-utils       # pdftotext / pdftoppm
  libpango-1.0-0      # WeasyPrint
  libpangoft2-1.0-0   # WeasyPrint
  libharfbuzz0b       # WeasyPrint
  libharfbuzz-subset0 # WeasyPrint (font subsetting)
  libfontconfig1      # WeasyPrint
  fonts-dejavu-core   # a default font for Chromium and WeasyPrint
  fonts-liberation2   # metric-compatible Arial (our font is "arial, sans-serif")
)

missing=()
for pkg in "${apt_packages[@]}"; do
  if [[ "$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)" != installed ]]; then
    missing+=("$pkg")
  fi
done
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
# The things themselves, in case a package is installed but broken.
[[ -x /usr/bin/chromium ]] || [[ " ${missing[*]} " == *" chromium "* ]] || missing+=(chromium)
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 \
  && [[ " ${missing[*]} " != *" postgresql "* ]]; then
  missing+=(postgresql)
fi

if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "install-test-deps: missing Debian packages: ${missing[*]}" >&2
    echo "install-test-deps: as root, run:" >&2
    echo "  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
  echo "install-test-deps: installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q </dev/null
  apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null
fi

axe_installed="$(node -p 'require("./node_modules/axe-core/package.json").version' 2>/dev/null || true)"
if [[ "$axe_installed" != "$AXE_CORE_VERSION" ]]; then
  echo "install-test-deps: installing axe-core $AXE_CORE_VERSION (found: ${axe_installed:-none})"
  # No package.json and no package-lock.json in the repository: node_modules/ is ignored by git.
  npm install --prefix "$root" --no-save --no-package-lock --no-audit --no-fund \
    --ignore-scripts "axe-core@$AXE_CORE_VERSION" </dev/null
  test -f node_modules/axe-core/axe.min.js
fi
