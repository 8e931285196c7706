#!/usr/bin/env bash
# Fetches CPython from Debian's source package python3.13 (trixie), checks the upstream tarball's pinned SHA-256
# and unpacks it (the Debian revision's own patches, debian.tar.xz, are downloaded by apt-get but not applied).
# Same mechanism as quickjs/scripts/fetch-quickjs.sh: a private apt configuration, so the machine's own sources are
# left untouched, and a download cache shared with it. The revision is not pinned (Debian keeps only the newest of a
# suite, 3.13.5-2+deb13u5 when this was written); the .orig.tar.xz, which every 3.13.5 revision shares, is.
# usage: fetch-cpython.sh DEST_DIR [PATCH_DIR]
set -euo pipefail
dest=$1
patch_dir=${2:-}
version=3.13.5
orig=python3.13_${version}.orig.tar.xz
orig_sha256=93e583f243454e6e9e4588ca2c2662206ad961659863277afcdb96801647d640
cache=${CODEACT_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/codeact-build}

if [ -f "$dest/Include/Python.h" ] && [ -f "$dest/.sha256-ok" ]; then exit 0; fi
mkdir -p "$cache"
if ! echo "$orig_sha256  $cache/$orig" | sha256sum -c --status 2>/dev/null; then
  command -v apt-get >/dev/null || { echo "error: apt-get is needed to fetch Debian's python3.13 source package" >&2; exit 1; }
  apt_dir=$(mktemp -d)
  trap 'rm -rf "$apt_dir"' EXIT
  mkdir -p "$apt_dir/lists/partial"
  {
    echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main"
    echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian-security trixie-security main"
  } > "$apt_dir/sources.list"
  apt_opts=(-o "Dir::Etc::SourceList=$apt_dir/sources.list" -o "Dir::Etc::SourceParts=$apt_dir/none"
            -o "Dir::State::Lists=$apt_dir/lists" -o "APT::Sandbox::User=root" -qq)
  echo "fetching Debian source package python3.13 (upstream ${version}, trixie)" >&2
  apt-get "${apt_opts[@]}" update >&2
  candidate=$(apt-cache "${apt_opts[@]}" showsrc python3.13 | sed -n 's/^Version: //p' | grep "^${version}-" | sort -V | tail -1)
  [ -n "$candidate" ] || { echo "error: Debian trixie offers no python3.13 ${version}-* source package" >&2; exit 1; }
  (cd "$cache" && apt-get "${apt_opts[@]}" source --download-only "python3.13=${candidate}" >&2)
fi
if ! echo "$orig_sha256  $cache/$orig" | sha256sum -c --status; then
  echo "error: $cache/$orig does not match the pinned SHA-256 $orig_sha256" >&2
  exit 1
fi
rm -rf "$dest" && mkdir -p "$dest"
tar -xJf "$cache/$orig" -C "$dest" --strip-components=1
if [ -n "$patch_dir" ] && compgen -G "$patch_dir/*.patch" >/dev/null; then
  command -v patch >/dev/null || { echo "error: patch is needed; install it with: apt-get install -y patch" >&2; exit 1; }
  for p in "$patch_dir"/*.patch; do
    patch -d "$dest" -p1 --quiet --forward < "$p" || { echo "error: $p does not apply" >&2; exit 1; }
  done
fi
touch "$dest/.sha256-ok"
