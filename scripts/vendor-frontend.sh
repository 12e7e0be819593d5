#!/usr/bin/env bash
# Rebuild static/vendor/ from the npm registry: GOV.UK Frontend (CSS compiled from its Sass
# without the GDS Transport font and without the crown) and htmx.
#
#   scripts/vendor-frontend.sh            # the versions pinned below
#   GOVUK_FRONTEND_VERSION=6.7.0 HTMX_VERSION=2.0.12 scripts/vendor-frontend.sh
#
# Needs node and npm. Everything is installed in a scratch folder under /tmp, never in the
# project; the result is committed so that `make run` needs no npm. Old version folders of
# the same package are left alone: delete them by hand once the templates point at the new one.
set -euo pipefail

GOVUK_FRONTEND_VERSION="${GOVUK_FRONTEND_VERSION:-6.6.0}"
HTMX_VERSION="${HTMX_VERSION:-2.0.11}"
SASS_VERSION="${SASS_VERSION:-1.108.2}"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
vendor="$root/static/vendor"
scratch="$(mktemp -d /tmp/gt-vendor.XXXXXX)"
trap 'rm -rf "$scratch"' EXIT

cd "$scratch"
npm init -y >/dev/null
npm install --no-audit --no-fund --ignore-scripts \
  "govuk-frontend@$GOVUK_FRONTEND_VERSION" "sass@$SASS_VERSION" "htmx.org@$HTMX_VERSION"

# --- GOV.UK Frontend -------------------------------------------------------------------------
gf="$vendor/govuk-frontend-$GOVUK_FRONTEND_VERSION"
gf_url="/static/vendor/govuk-frontend-$GOVUK_FRONTEND_VERSION/assets/"
pkg="node_modules/govuk-frontend/dist/govuk"
rm -rf "$gf"
mkdir -p "$gf" src

# The only image the stock CSS refers to is the crown (govuk-crest.svg, in the footer's
# copyright logo, which we never use): resolve it to `none`, so nothing points at a missing file.
cat > src/_url-handlers.scss <<EOF
@function image-url(\$filename) {
  @if \$filename == "govuk-crest.svg" {
    @return none;
  }
  @return url("${gf_url}images/#{\$filename}");
}
EOF
# Arial instead of GDS Transport (which only GOV.UK itself may use); setting the font family
# without "GDS Transport" and $govuk-include-default-font-face: false emits no @font-face.
cat > src/govuk-frontend.scss <<EOF
@use "sass:meta";
@use "url-handlers";
@use "govuk-frontend/dist/govuk" with (
  \$govuk-font-family: (arial, sans-serif),
  \$govuk-include-default-font-face: false,
  \$govuk-assets-path: "${gf_url}",
  \$govuk-image-url-function: meta.get-function("image-url", \$module: "url-handlers")
);
EOF
npx --no-install sass --no-source-map --style=compressed --load-path=node_modules \
  src/govuk-frontend.scss "$gf/govuk-frontend.min.css"

# The JavaScript is the package's own build, unchanged (an ES module: load it with
# <script type="module">), with its source map, which it names in its last line.
cp "$pkg/govuk-frontend.min.js" "$pkg/govuk-frontend.min.js.map" "$gf/"

# The compiled CSS refers to no asset now; the package's other assets (favicons, app icons,
# manifest, Open Graph image) all show the crown and the fonts are GDS Transport: none is copied.
if grep -q 'GDS Transport\|@font-face\|govuk-crest' "$gf/govuk-frontend.min.css"; then
  echo "vendor-frontend: the compiled CSS still mentions the GOV.UK font or the crown" >&2
  exit 1
fi
if grep -o 'url([^)]*)' "$gf/govuk-frontend.min.css" | grep -v '^url(data:' | grep -q .; then
  echo "vendor-frontend: the compiled CSS now refers to assets; copy them from $pkg/assets:" >&2
  grep -o 'url([^)]*)' "$gf/govuk-frontend.min.css" | sort -u >&2
  exit 1
fi

# The npm package carries no licence file; this is the project's LICENSE.txt (MIT), as its
# package.json ("license": "MIT") and README say.
cat > "$gf/LICENSE" <<'EOF'
The MIT License (MIT)

Copyright (C) 2017 Crown Copyright (Government Digital Service)

Permission is hereby granted, free of charge, to any person obtaining a copy of
this software and associated documentation files (the "Software"), to deal in
the Software without restriction, including without limitation the rights to
use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies
of the Software, and to permit persons to whom the Software is furnished to do
so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
EOF

# --- htmx --------------------------------------------------------------------------------------
hx="$vendor/htmx-$HTMX_VERSION"
rm -rf "$hx"
mkdir -p "$hx"
cp node_modules/htmx.org/dist/htmx.min.js node_modules/htmx.org/LICENSE "$hx/"

echo "vendored govuk-frontend $GOVUK_FRONTEND_VERSION and htmx $HTMX_VERSION into $vendor"
