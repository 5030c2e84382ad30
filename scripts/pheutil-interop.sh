#!/usr/bin/env bash
# Interop check against python-paillier: installs phe 1.5.0 (pheutil) in a virtual
# environment and runs PheutilInteropTests with PHEUTIL set, so pheutil decrypts keys and
# ciphertexts that PrivAgg wrote. CI runs it after `make test`. It fails loudly (non-zero)
# if Python, the venv or phe cannot be installed, or if the suite did not run and pass:
# a skipped interop check must never look like a passed one.
#
#   scripts/pheutil-interop.sh            (VENV=dir to choose the environment's folder)
set -euo pipefail
cd "$(dirname "$0")/.."
SWIFT="${SWIFT:-swift}"
venv="${VENV:-.build-interop/venv}"

die() { echo "pheutil-interop: $*" >&2; exit 1; }

if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
  # Debian/Ubuntu split venv/ensurepip into python3-venv.
  command -v apt-get >/dev/null 2>&1 || die "python3 with the venv module is required"
  if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
  echo "pheutil-interop: installing python3-venv" >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq python3-venv </dev/null \
    || die "cannot install python3-venv"
fi

if [ ! -x "$venv/bin/pheutil" ]; then
  rm -rf "$venv"
  python3 -m venv "$venv" || die "python3 -m venv $venv failed"
  "$venv/bin/pip" install --quiet --disable-pip-version-check 'phe==1.5.0' click \
    || die "pip could not install phe 1.5.0 (python-paillier) and click"
fi
"$venv/bin/pheutil" --help >/dev/null 2>&1 || die "$venv/bin/pheutil does not run"
echo "pheutil-interop: python-paillier $("$venv/bin/python" -c 'import phe; print(phe.__version__)') at $venv" >&2

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
# The test bundle by product (as `make test` builds it): a bare `swift test` would also build
# swift-protobuf's protoc for its build plugin, which nothing here uses.
"$SWIFT" build --product PrivAggPackageTests >&2 || die "the test bundle did not build"
PHEUTIL="$PWD/$venv/bin/pheutil" "$SWIFT" test --skip-build --filter PheutilInteropTests 2>&1 | tee "$log" || status=$?
[ "$status" -eq 0 ] || die "PheutilInteropTests failed (exit $status)"
grep -q 'pheutilDecryptsOurKeysAndCiphertexts() passed' "$log" \
  || die "PheutilInteropTests did not run (skipped or filtered out): no pass recorded"
echo "pheutil-interop: pheutil decrypted PrivAgg's files" >&2
