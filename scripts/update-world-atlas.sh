#!/bin/sh
# Copy land-110m.json and the licence from the npm package world-atlas into
# accordi/data/world-atlas/ and print its checksum for the README there.
# Not part of the build: the file is kept in the repository so `make build` needs no npm.
set -eu
version=${1:?usage: sh scripts/update-world-atlas.sh VERSION}
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "world-atlas@$version" >/dev/null && tar xzf "world-atlas-$version.tgz")
cp "$tmp/package/land-110m.json" "$tmp/package/LICENSE" "$root/accordi/data/world-atlas/"
sha256sum "$root/accordi/data/world-atlas/land-110m.json"
