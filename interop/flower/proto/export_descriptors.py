"""Writes the Fleet API's protobuf schema, exactly as the installed flwr wheel compiled it.

The flwr wheel ships only the generated `*_pb2.py` modules, not the `.proto` sources, so the
schema is read back from the descriptors those modules embed: a `FileDescriptorSet` (binary,
for `protoc --descriptor_set_in`) and its text form (for people and for diffs). Usage:

    python export_descriptors.py OUT_DIR

Prints the flwr version it read.
"""

import importlib
import pathlib
import sys

import flwr
from google.protobuf import descriptor_pb2, text_format

# The Fleet service's request/response types and everything they import.
ROOTS = ["fleet", "message", "heartbeat", "run", "fab", "node", "recorddict", "error", "transport"]


def main() -> None:
    out = pathlib.Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    seen: set[str] = set()
    files = descriptor_pb2.FileDescriptorSet()

    def add(file_descriptor) -> None:  # dependencies first, as protoc expects
        for dependency in file_descriptor.dependencies:
            add(dependency)
        if file_descriptor.name in seen:
            return
        seen.add(file_descriptor.name)
        proto = files.file.add()
        file_descriptor.CopyToProto(proto)

    for root in ROOTS:
        add(importlib.import_module(f"flwr.proto.{root}_pb2").DESCRIPTOR)
    version = flwr.__version__
    (out / f"flower-{version}.protoset").write_bytes(files.SerializeToString(deterministic=True))
    (out / f"flower-{version}.protoset.txt").write_text(
        f"# FileDescriptorSet of flwr {version} (Apache-2.0, Flower Labs GmbH), read from the wheel.\n"
        + text_format.MessageToString(files)
    )
    print(version, " ".join(sorted(seen)))


if __name__ == "__main__":
    main()
