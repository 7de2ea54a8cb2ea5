#!/usr/bin/env bash
# Debian packages p3dn needs beside Python: pango and a font for PDF output (WeasyPrint), and
# for the tests Chromium (browser test) and gettext (catalogue test).
#   install-system-deps.sh          runtime and test packages; fails if they cannot be installed
#   install-system-deps.sh --runtime  runtime packages only; warns instead of failing
set -uo pipefail
runtime_only=false
[ "${1:-}" = "--runtime" ] && runtime_only=true
need=()
have_lib() { ldconfig -p 2>/dev/null | grep -q "$1"; }
have_lib libpango-1.0.so.0 || need+=(libpango-1.0-0)
have_lib libpangoft2-1.0.so.0 || need+=(libpangoft2-1.0-0)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
if ! $runtime_only; then
  [ -x /usr/bin/chromium ] || need+=(chromium)
  command -v xgettext >/dev/null 2>&1 || need+=(gettext)
fi
[ ${#need[@]} -eq 0 ] && exit 0
fail() {
  if $runtime_only; then
    echo "p3dn: PDF output needs these Debian packages: ${need[*]} (everything else works)" >&2
    exit 0
  fi
  echo "p3dn: please install these Debian packages: ${need[*]}" >&2
  exit 1
}
if [ "$(id -u)" -eq 0 ]; then sudo=""; elif sudo -n true 2>/dev/null; then sudo="sudo -n"; else fail; fi
echo "installing ${need[*]} ..."
$sudo apt-get update -qq || fail
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null || fail
