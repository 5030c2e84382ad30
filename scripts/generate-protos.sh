#!/usr/bin/env bash
# Regenerates Sources/Federation/Generated/ from Sources/Federation/Protos/*.proto with
# Debian's protoc (protobuf-compiler) and the two Swift plugins. The build never runs protoc:
# the generated code is committed, and this script is run by hand after a .proto change.
#
# Plugins: PROTOC_GEN_SWIFT and PROTOC_GEN_GRPC_SWIFT name them if set; otherwise they are
# built (release) from the grpc-swift-protobuf 2.4.1 package, whose dependencies include
# swift-protobuf 1.39.0, cloned into .build-protoc-plugins/ (from /opt/swift-packages when
# that local copy exists, else from GitHub).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
protos="$root/Sources/Federation/Protos"
out="$root/Sources/Federation/Generated"
GRPC_SWIFT_PROTOBUF_VERSION=2.4.1

command -v protoc >/dev/null || { echo "protoc not found: apt-get install protobuf-compiler" >&2; exit 1; }

if [[ -z "${PROTOC_GEN_SWIFT:-}" || -z "${PROTOC_GEN_GRPC_SWIFT:-}" ]]; then
    checkout="$root/.build-protoc-plugins/grpc-swift-protobuf"
    if [[ ! -x "$checkout/.build/release/protoc-gen-grpc-swift-2" || ! -x "$checkout/.build/release/protoc-gen-swift" ]]; then
        source_url="https://github.com/grpc/grpc-swift-protobuf.git"
        [[ -d /opt/swift-packages/grpc/grpc-swift-protobuf.git ]] && source_url=/opt/swift-packages/grpc/grpc-swift-protobuf.git
        if [[ ! -d "$checkout" ]]; then
            mkdir -p "$(dirname "$checkout")"
            git clone --quiet --depth 1 --branch "$GRPC_SWIFT_PROTOBUF_VERSION" "$source_url" "$checkout"
        fi
        echo "Building protoc-gen-swift and protoc-gen-grpc-swift-2 (release; a few minutes)..." >&2
        (cd "$checkout" && swift build -c release --product protoc-gen-grpc-swift-2 && swift build -c release --product protoc-gen-swift) >&2
    fi
    : "${PROTOC_GEN_SWIFT:=$checkout/.build/release/protoc-gen-swift}"
    : "${PROTOC_GEN_GRPC_SWIFT:=$checkout/.build/release/protoc-gen-grpc-swift-2}"
fi

mkdir -p "$out"
rm -f "$out"/*.pb.swift "$out"/*.grpc.swift
protoc --proto_path="$protos" \
    --plugin=protoc-gen-swift="$PROTOC_GEN_SWIFT" --swift_out="$out" --swift_opt=Visibility=Public \
    --plugin=protoc-gen-grpc-swift="$PROTOC_GEN_GRPC_SWIFT" --grpc-swift_out="$out" \
    --grpc-swift_opt=Visibility=Public,Server=true,Client=true \
    "$protos"/*.proto
echo "Generated: $(cd "$out" && ls)"
