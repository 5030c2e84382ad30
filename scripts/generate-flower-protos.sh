#!/usr/bin/env bash
# Regenerates Sources/FlowerInterop/Generated/*.pb.swift from the Fleet API schema of a pinned
# flwr release. The build never runs this: the generated code is committed.
#
#   scripts/generate-flower-protos.sh            # flwr 1.42.0 (FLWR_VERSION overrides)
#   PROTOC_GEN_SWIFT=/path/protoc-gen-swift scripts/generate-flower-protos.sh
#
# Steps: install flwr into a venv (.build-interop/flwr-venv, or FLWR_VENV), read the schema back
# from the wheel's compiled descriptors (the wheel ships no .proto files) into
# interop/flower/proto/flower-VERSION.protoset, then run protoc with swift-protobuf's plugin on
# that descriptor set. Without PROTOC_GEN_SWIFT the plugin is built from the swift-protobuf
# checkout SwiftPM resolved for this package, so generator and runtime are the same version.
set -euo pipefail
cd "$(dirname "$0")/.."
FLWR_VERSION="${FLWR_VERSION:-1.42.0}"
VENV="${FLWR_VENV:-.build-interop/flwr-venv}"
OUT=Sources/FlowerInterop/Generated
PROTO_DIR=interop/flower/proto

command -v protoc >/dev/null || { echo "protoc not found (apt-get install protobuf-compiler)" >&2; exit 1; }
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
fi
if ! "$VENV/bin/python" -c "import flwr, sys; sys.exit(flwr.__version__ != '$FLWR_VERSION')" 2>/dev/null; then
  "$VENV/bin/pip" install -q "flwr==$FLWR_VERSION" || { echo "could not install flwr==$FLWR_VERSION from PyPI" >&2; exit 1; }
fi
"$VENV/bin/python" "$PROTO_DIR/export_descriptors.py" "$PROTO_DIR" >/dev/null

PLUGIN="${PROTOC_GEN_SWIFT:-}"
if [ -z "$PLUGIN" ]; then
  swift package resolve >/dev/null
  CHECKOUT=.build/checkouts/swift-protobuf
  [ -d "$CHECKOUT" ] || { echo "no swift-protobuf checkout at $CHECKOUT" >&2; exit 1; }
  swift build -c release --package-path "$CHECKOUT" --scratch-path .build-interop/swift-protobuf --product protoc-gen-swift
  PLUGIN="$(swift build -c release --package-path "$CHECKOUT" --scratch-path .build-interop/swift-protobuf --show-bin-path)/protoc-gen-swift"
fi
[ -x "$PLUGIN" ] || { echo "protoc-gen-swift not executable: $PLUGIN" >&2; exit 1; }

FILES=(error fab fleet heartbeat message node recorddict run transport)
rm -f "$OUT"/*.pb.swift
protoc --plugin=protoc-gen-swift="$PLUGIN" \
  --descriptor_set_in="$PROTO_DIR/flower-$FLWR_VERSION.protoset" \
  --swift_opt=Visibility=Internal --swift_opt=FileNaming=DropPath \
  --swift_out="$OUT" \
  $(printf "flwr/proto/%s.proto " "${FILES[@]}")
echo "generated $(ls "$OUT"/*.pb.swift | wc -l) files in $OUT from flwr $FLWR_VERSION ($("$PLUGIN" --version))"
