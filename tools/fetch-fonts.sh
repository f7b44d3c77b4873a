#!/bin/sh
# Puts the poster font in themes/default/fonts/: Noto Sans SC 2.004 (SIL OFL 1.1, licence in
# themes/default/fonts/OFL.txt), Regular and Bold, taken from the npm package
# @expo-google-fonts/noto-sans-sc at a pinned version and checked against SHA256SUMS.
# The font files are git-ignored (downloaded binaries are never committed); this script is how
# every machine gets the same bytes. Quick no-op when the files are already there and intact.
set -eu
cd "$(dirname "$0")/.."
FONTS=themes/default/fonts
PACKAGE=@expo-google-fonts/noto-sans-sc@0.4.3

intact() { (cd "$FONTS" && sha256sum --check --status SHA256SUMS 2>/dev/null); }
intact && exit 0

if ! command -v npm >/dev/null 2>&1; then
    echo "sitegen: npm is needed once to fetch the poster font; installing Debian's npm"
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends npm
fi

echo "sitegen: fetching the poster font ($PACKAGE)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "$PACKAGE" >/dev/null 2>&1)
tar -xzf "$work"/*.tgz -C "$work" \
    package/400Regular/NotoSansSC_400Regular.ttf package/700Bold/NotoSansSC_700Bold.ttf
cp "$work/package/400Regular/NotoSansSC_400Regular.ttf" "$FONTS/NotoSansSC-Regular.ttf"
cp "$work/package/700Bold/NotoSansSC_700Bold.ttf" "$FONTS/NotoSansSC-Bold.ttf"
if ! intact; then
    rm -f "$FONTS/NotoSansSC-Regular.ttf" "$FONTS/NotoSansSC-Bold.ttf"
    echo "sitegen: the downloaded font does not match $FONTS/SHA256SUMS; refusing to use it" >&2
    exit 1
fi
