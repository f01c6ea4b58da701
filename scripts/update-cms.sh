#!/bin/sh
# Copy the browser files of the web editor from the npm registry into accordi/cms/vendor/:
# Decap CMS (its built bundle, the chunks it loads on demand and the licences of what it
# bundles) and the `yaml` library (its browser modules), each with its licence, and write
# SHA256SUMS there (tests/test_cms.py checks the files against it).
# Not part of the build: the files are kept in the repository so that `make build` and a
# published site's editor need no npm. npm checks each package against its registry digest.
set -eu
decap=${1:?usage: sh scripts/update-cms.sh DECAP_VERSION YAML_VERSION [DECAP_SERVER_VERSION]}
yaml=${2:?usage: sh scripts/update-cms.sh DECAP_VERSION YAML_VERSION [DECAP_SERVER_VERSION]}
server=${3:-3.11.3}  # only its LICENSE file is used
root=$(cd "$(dirname "$0")/.." && pwd)
vendor="$root/accordi/cms/vendor"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
for pkg in "decap-cms@$decap" "yaml@$yaml" "decap-server@$server"; do
  name=${pkg%@*}
  mkdir "$name"
  file=$(npm pack --silent "$pkg")
  tar xzf "$file" -C "$name"
  npm view "$pkg" dist.integrity > "$name/integrity"
done
rm -rf "$vendor/decap-cms" "$vendor/yaml"
mkdir -p "$vendor/decap-cms" "$vendor/yaml"
# decap-cms: the bundle and its chunks (not the source maps, nor the cms.js copies of the
# same build); its package ships no LICENSE file: the monorepo's (MIT) comes with decap-server.
cp decap-cms/package/dist/decap-cms.js decap-cms/package/dist/*.decap-cms.js \
   decap-cms/package/dist/*.wasm decap-cms/package/dist/decap-cms.js.LICENSE.txt \
   "$vendor/decap-cms/"
cp decap-server/package/LICENSE "$vendor/decap-cms/LICENSE"
cp -R yaml/package/browser/dist/. "$vendor/yaml/"
cp yaml/package/LICENSE "$vendor/yaml/LICENSE"
{
  echo "decap-cms $decap $(cat decap-cms/integrity)"
  echo "yaml $yaml $(cat yaml/integrity)"
} > "$vendor/VERSIONS"
cd "$vendor"
find decap-cms yaml -type f | LC_ALL=C sort | xargs sha256sum > SHA256SUMS
echo "vendored decap-cms $decap and yaml $yaml into $vendor"
