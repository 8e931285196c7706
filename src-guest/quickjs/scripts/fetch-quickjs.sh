#!/usr/bin/env bash
# Fetches QuickJS from Debian's source package (trixie), checks its pinned SHA-256, unpacks it and applies
# our patches (patches/*.patch, in order; each says why). Uses a private apt configuration so the machine's
# own sources are left untouched.
# usage: fetch-quickjs.sh DEST_DIR [PATCH_DIR]
set -euo pipefail
dest=$1
patch_dir=${2:-}
version=2025.04.26
debian_revision=1
orig=quickjs_${version}.orig.tar.xz
orig_sha256=ec81da5b3249ed648dbc7df4a1654988910e66a118d9b71cb63534216efcfbbe
cache=${CODEACT_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/codeact-build}

if [ -f "$dest/quickjs.c" ] && [ -f "$dest/.sha256-ok" ]; then exit 0; fi
mkdir -p "$cache"
if ! echo "$orig_sha256  $cache/$orig" | sha256sum -c --status 2>/dev/null; then
  command -v apt-get >/dev/null || { echo "error: apt-get is needed to fetch Debian's quickjs source package" >&2; exit 1; }
  apt_dir=$(mktemp -d)
  trap 'rm -rf "$apt_dir"' EXIT
  mkdir -p "$apt_dir/lists/partial"
  echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main" > "$apt_dir/sources.list"
  apt_opts=(-o "Dir::Etc::SourceList=$apt_dir/sources.list" -o "Dir::Etc::SourceParts=$apt_dir/none"
            -o "Dir::State::Lists=$apt_dir/lists" -o "APT::Sandbox::User=root" -qq)
  echo "fetching Debian source package quickjs=${version}-${debian_revision} (trixie)" >&2
  apt-get "${apt_opts[@]}" update >&2
  (cd "$cache" && apt-get "${apt_opts[@]}" source --download-only "quickjs=${version}-${debian_revision}" >&2)
fi
if ! echo "$orig_sha256  $cache/$orig" | sha256sum -c --status; then
  echo "error: $cache/$orig does not match the pinned SHA-256 $orig_sha256" >&2
  exit 1
fi
rm -rf "$dest" && mkdir -p "$dest"
tar -xJf "$cache/$orig" -C "$dest" --strip-components=1
if [ -n "$patch_dir" ]; then
  command -v patch >/dev/null || { echo "error: patch is needed; install it with: apt-get install -y patch" >&2; exit 1; }
  for p in "$patch_dir"/*.patch; do
    patch -d "$dest" -p1 --quiet --forward < "$p" || { echo "error: $p does not apply" >&2; exit 1; }
  done
fi
touch "$dest/.sha256-ok"
