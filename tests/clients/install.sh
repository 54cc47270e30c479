#!/usr/bin/env bash
# Install what the real clients of tests/serve_clients.rs need: Debian's
# chromium, the pinned npm packages (npm ci) and the pinned Python packages.
# Idempotent and quick when everything is already there; .ci/run calls it.
set -euo pipefail
cd "$(dirname "$0")"

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

apt_install() {
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

command -v chromium >/dev/null 2>&1 || apt_install chromium
command -v node >/dev/null 2>&1 || apt_install nodejs npm
command -v python3 >/dev/null 2>&1 || apt_install python3 python3-pip

# npm ci only when the lockfile changed since the last install.
for app in node browser; do
  stamp="$app/node_modules/.tokenrace-lock"
  if [ -f "$stamp" ] && cmp -s "$app/package-lock.json" "$stamp"; then
    continue
  fi
  (cd "$app" && npm ci --no-audit --no-fund --loglevel=error)
  cp "$app/package-lock.json" "$stamp"
done

# pip is quick when every pin is already satisfied.
requirements=python/requirements.txt
if ! python3 -m pip install -q --disable-pip-version-check -r "$requirements" 2>/tmp/tokenrace-pip.log; then
  if grep -q externally-managed /tmp/tokenrace-pip.log; then
    python3 -m pip install -q --disable-pip-version-check --break-system-packages -r "$requirements"
  else
    cat /tmp/tokenrace-pip.log >&2
    exit 1
  fi
fi
echo "real clients installed: $(chromium --version 2>/dev/null | head -1), node $(node --version), $(python3 --version)"
