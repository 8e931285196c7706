#!/usr/bin/env bash
# Installs what the build needs on a fresh Debian machine (as root, or through sudo), then builds once.
# usage: scripts/bootstrap.sh [--build | --test]   (Node.js and npm: the guest build bundles npm packages, and the
# tests start MCP servers from npm and compare programs with Node; --test: also headless Chromium and its
# chromedriver for the sample's playground tests, and redis-server for the Redis session store's tests)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

missing=()
command -v musl-gcc >/dev/null || missing+=(musl-tools)
command -v make >/dev/null || missing+=(make)
command -v objdump >/dev/null || missing+=(binutils)
command -v xz >/dev/null || missing+=(xz-utils)
command -v patch >/dev/null || missing+=(patch)
command -v node >/dev/null || missing+=(nodejs) # the guest build bundles npm packages (src-guest/quickjs/web, src-guest/quickjs/intl)
command -v npm >/dev/null || missing+=(npm)
command -v mvn >/dev/null || missing+=(maven)
if [ "${1:-}" = "--test" ]; then
  # the playground's browser tests drive Debian's Chromium through Debian's chromedriver, at these paths
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  [ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
  # the Redis session store's tests start a real redis-server of their own on a free loopback port
  command -v redis-server >/dev/null || [ -x /usr/bin/redis-server ] || missing+=(redis-server)
fi
if ! command -v javac >/dev/null || [ "$(javac -version 2>&1 | sed -E 's/javac ([0-9]+).*/\1/')" -lt 17 ]; then
  missing+=(openjdk-17-jdk-headless)
fi
[ -f /usr/share/keyrings/debian-archive-keyring.gpg ] || missing+=(debian-archive-keyring)
# the Python guest's cross build needs a CPython 3.13 on the build machine (src-guest/python/python.mk: BUILD_PYTHON):
# pyenv's 3.13.0 on these machines, else Debian 13's python3.13
if ! { command -v pyenv >/dev/null && [ -x "$(pyenv prefix 3.13.0 2>/dev/null)/bin/python3.13" ]; } && ! command -v python3.13 >/dev/null; then
  missing+=(python3.13)
fi

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then sudo=""; elif command -v sudo >/dev/null; then sudo="sudo"; else
    echo "error: missing packages: ${missing[*]}; install them with: apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "installing ${missing[*]}" >&2
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >&2
fi

if [ "${1:-}" = "--build" ]; then
  jar_dir="$root/hyperlight-jna/target"
  if [ ! -f "$jar_dir/runtime-classpath.txt" ] || [ ! -f "$jar_dir/hyperlight-jna-0.1.0-SNAPSHOT.jar" ] \
      || [ ! -f "$jar_dir/classes/dev/codeact/hyperlight/guest/quickjs-guest.elf" ]; then
    echo "building (mvn package -DskipTests)..." >&2
    (cd "$root" && mvn -q -B package -DskipTests >&2)
  fi
fi
