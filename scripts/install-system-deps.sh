#!/usr/bin/env bash
# Debian packages the test suite needs: Chromium (browser test) and gettext (catalogue test).
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v xgettext >/dev/null 2>&1 || need+=(gettext)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ]; then sudo=""; elif command -v sudo >/dev/null; then sudo="sudo"; else
  echo "p3dn: please install these Debian packages: ${need[*]}" >&2; exit 1; fi
echo "installing ${need[*]} ..."
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
