#!/bin/sh
# Installs the Debian packages sitegen needs and a fresh machine may lack.
# Quick no-op when they are present, so `make` can call it every time a venv is made.
set -eu
# libharfbuzz-subset0: WeasyPrint subsets the poster font with it (fast, reproducible); sitegen
#   refuses to render posters without it. poppler-utils: the tests read the PDFs (pdftotext,
#   pdffonts, pdfinfo, pdftoppm).
PACKAGES="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fontconfig poppler-utils"
missing=""
for pkg in $PACKAGES; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$missing $pkg"
done
[ -z "$missing" ] && exit 0
echo "sitegen: installing Debian packages:$missing"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
