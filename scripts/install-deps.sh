#!/usr/bin/env bash
# Installs the C libraries PrivAgg links against (libsodium, GMP) when pkg-config cannot
# find them: Homebrew on macOS, apt-get on Debian/Ubuntu (directly as root, else with sudo).
set -euo pipefail

have() { command -v pkg-config >/dev/null 2>&1 && pkg-config --exists "$1"; }

missing=()
have libsodium || missing+=(libsodium)
have gmp || missing+=(gmp)
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: missing ${missing[*]}; installing" >&2
case "$(uname -s)" in
  Darwin)
    command -v brew >/dev/null 2>&1 || { echo "install-deps: Homebrew is needed to install ${missing[*]}" >&2; exit 1; }
    brew install pkg-config libsodium gmp
    ;;
  Linux)
    command -v apt-get >/dev/null 2>&1 || {
      echo "install-deps: no apt-get; install libsodium and GMP development files (with pkg-config) yourself" >&2
      exit 1
    }
    if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -qq
    $sudo apt-get install -y -qq pkg-config libsodium-dev libgmp-dev
    ;;
  *)
    echo "install-deps: unsupported system $(uname -s); install libsodium and GMP yourself" >&2
    exit 1
    ;;
esac

have libsodium && have gmp || { echo "install-deps: installation did not make libsodium and gmp visible to pkg-config" >&2; exit 1; }
