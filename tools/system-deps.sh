#!/bin/sh
# Installs the Debian packages sitegen needs and a fresh machine may lack; `system-deps.sh test`
# adds those only the tests need. Quick no-op when they are present, so `make` calls it every time.
set -eu
# libharfbuzz-subset0: WeasyPrint subsets the poster font with it (fast, reproducible); sitegen
#   refuses to render posters without it.
PACKAGES="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fontconfig"
# Tests only — poppler-utils: the tests read the PDFs (pdftotext, pdffonts, pdfinfo, pdftoppm).
#   chromium: the browser tests open the pages in it headless; fonts-noto-cjk gives it the
#   Chinese system font a phone has, so layout and screenshots show real glyphs, not boxes.
#   (Posters never use system fonts: the tests check that only the shipped font is embedded.)
[ "${1:-}" = "test" ] && PACKAGES="$PACKAGES poppler-utils chromium fonts-noto-cjk"
missing=""
for pkg in $PACKAGES; do
    # "installed" or unpacked with its triggers still pending (fontconfig often is): both usable
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -Eq "install ok (installed|triggers-pending|triggers-awaited)" \
        || missing="$missing $pkg"
done
[ -z "$missing" ] && exit 0
echo "sitegen: installing Debian packages:$missing"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
# Another apt or unattended-upgrades may hold the dpkg lock on a fresh machine: wait for it.
LOCK="-o DPkg::Lock::Timeout=600"
$SUDO apt-get $LOCK update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get $LOCK install -y -qq --no-install-recommends $missing
