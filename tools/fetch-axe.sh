#!/bin/sh
# Puts axe-core (MPL-2.0, Deque Systems), the accessibility rules the browser tests run inside
# Chromium, in tests/.axe/: axe.min.js and its LICENSE, taken from the npm package's tarball of a
# pinned version (`npm pack`, so npm uses the registry it is configured for) and checked against
# tools/axe-core.sha256 (the tarball, then the extracted file).
# tests/.axe/ is git-ignored (downloaded files are never committed); this script is how every
# machine gets the same bytes. Quick no-op when the file is already there and intact.
# Needs npm (installed from Debian by tools/system-deps.sh npm when missing).
set -eu
cd "$(dirname "$0")/.."
VERSION=4.14.1
TARBALL=axe-core-$VERSION.tgz
PACKAGE=axe-core@$VERSION
SUMS=$(pwd)/tools/axe-core.sha256
DEST=tests/.axe

# sha256sum --check for one line of $SUMS, run in folder $2.
check() { grep "  $1\$" "$SUMS" | (cd "$2" && sha256sum --check --status -) 2>/dev/null; }
[ -f "$DEST/axe.min.js" ] && check axe.min.js "$DEST" && exit 0

echo "sitegen: fetching axe-core $VERSION for the browser tests"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
command -v npm >/dev/null 2>&1 || sh tools/system-deps.sh npm
(cd "$work" && npm pack --silent "$PACKAGE" >/dev/null)
if ! check "$TARBALL" "$work"; then
    echo "sitegen: the npm package $PACKAGE does not match tools/axe-core.sha256; refusing to use it" >&2
    exit 1
fi
tar -xzf "$work/$TARBALL" -C "$work" package/axe.min.js package/LICENSE
check axe.min.js "$work/package" || { echo "sitegen: axe.min.js does not match tools/axe-core.sha256" >&2; exit 1; }
mkdir -p "$DEST"
cp "$work/package/axe.min.js" "$DEST/axe.min.js"
cp "$work/package/LICENSE" "$DEST/LICENSE"
echo "$VERSION" > "$DEST/VERSION"
