"""Writes the FlowerInteropTests fixtures with numpy and flwr 1.42.0 themselves.

    python interop/flower/make_fixtures.py Tests/FlowerInteropTests/Fixtures

- `.npy` files written by numpy.save (and numpy.lib.format for versions 2.0), the malformed
  ones included (Fortran order, integers, big-endian);
- `recorddict.json` and `message.json`: content and a message deflated by flwr into its
  content-addressed objects (id -> base64 bytes), with the root id and the values they hold,
  so the Swift side can check it inflates Python's objects and deflates to the same ids.
"""

import base64
import io
import json
import pathlib
import sys

import numpy as np
from flwr.app import Array, ArrayRecord, ConfigRecord, Metadata, MetricRecord, RecordDict
from flwr.app.message.message import make_message
from flwr.supercore.inflatable.inflatable_object import get_all_nested_objects, get_object_tree
from google.protobuf.json_format import MessageToDict

out = pathlib.Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)


def save(name: str, array: np.ndarray) -> None:
    np.save(out / name, array, allow_pickle=False)


save("f64-vector.npy", np.array([0.0, -1.5, np.pi, 1e-300, 1.7976931348623157e308, -0.0], dtype="<f8"))
save("f32-matrix.npy", np.arange(6, dtype="<f4").reshape(2, 3) / 4)
save("f64-scalar.npy", np.array(2.5, dtype="<f8"))
save("f64-empty.npy", np.zeros((0, 4), dtype="<f8"))
save("f64-long.npy", np.linspace(-1, 1, 1000, dtype="<f8"))
save("fortran.npy", np.asfortranarray(np.arange(4, dtype="<f8").reshape(2, 2)))
save("int32.npy", np.arange(3, dtype="<i4"))
save("bigendian.npy", np.arange(3, dtype=">f8"))
buffer = io.BytesIO()
np.lib.format.write_array(buffer, np.array([1.0, 2.0], dtype="<f8"), version=(2, 0))
(out / "f64-version2.npy").write_bytes(buffer.getvalue())

weights = np.linspace(-0.5, 0.5, 13, dtype=np.float64)
content = RecordDict(
    {
        "arrays": ArrayRecord({"weights": Array(weights), "bias": Array(np.array([0.25]))}),
        "config": ConfigRecord({"server-round": 3, "lr": 0.1, "name": "héllo", "flag": True, "sizes": [1, 2]}),
        "metrics": MetricRecord({"num-examples": 42, "loss": 0.5}),
    }
)


def dump(root, extra: dict) -> dict:
    objects = get_all_nested_objects(root)
    return {
        "root": root.object_id,
        "objects": {oid: base64.b64encode(obj.deflate()).decode() for oid, obj in objects.items()},
        "tree": MessageToDict(get_object_tree(root)),
        **extra,
    }


# IEEE bit patterns as decimal strings: exact whatever JSON reader parses them.
weight_bits = [str(int(b)) for b in weights.view(np.uint64)]
(out / "recorddict.json").write_text(json.dumps(dump(content, {"weight_bits": weight_bits, "bias": 0.25}), indent=1))

meta = {"run_id": 77, "src_node_id": 1, "dst_node_id": 1234, "group_id": "7", "created_at": 1764494400.125,
        "ttl": 3600.0, "message_type": "train", "src_task_id": 5}
message = make_message(
    metadata=Metadata(message_id="", reply_to_message_id="", **meta), content=content)
(out / "message.json").write_text(
    json.dumps(
        dump(message, {"metadata": meta}),
        indent=1,
    )
)
print("fixtures written to", out)
