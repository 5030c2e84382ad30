"""ClientApp: the Python peer for the same-run comparison, and a guard otherwise.

The sites of the interop federation are `privagg flower-node` processes (Swift) that answer the
Fleet API themselves; no Python ClientApp runs there. For Benchmarks/peers/flower-node-vs-supernode.sh,
Flower's own SuperNodes run this ClientApp with `--node-config "synthetic-records=N"`: plain numpy
logistic regression on N synthetic records of the same dimension, with PrivAgg's local-training
defaults (10 steps, Poisson rate 0.1, learning rate 0.5, L2 1e-3), so both kinds of node do the
same amount of work per round. Without that node config it refuses, so a SuperNode never silently
trains something else in place of a PrivAgg site.
"""

import numpy as np
from flwr.app import Array, ArrayRecord, Context, Message, MetricRecord, RecordDict
from flwr.clientapp import ClientApp

app = ClientApp()


def _data(context: Context, features: int):
    records = context.node_config.get("synthetic-records")
    if records is None:
        raise RuntimeError("this app's sites are PrivAgg nodes (privagg flower-node); no Python ClientApp trains here")
    rng = np.random.default_rng(int(context.node_config.get("partition-id", 0)))
    n = int(records)
    x = rng.uniform(-1, 1, size=(n, features))
    truth = rng.normal(size=features)
    y = (x @ truth + rng.normal(scale=0.5, size=n) > 0).astype(np.float64)
    return x, y


def _loss_accuracy(w, b, x, y):
    z = x @ w + b
    loss = np.mean(np.logaddexp(0, -np.where(y > 0.5, 1, -1) * z))
    return float(loss), float(np.mean((z >= 0) == (y > 0.5)))


@app.train()
def train(msg: Message, context: Context) -> Message:
    arrays = msg.content["arrays"]
    w, b = arrays["weights"].numpy().copy(), arrays["bias"].numpy().copy()
    x, y = _data(context, w.shape[0])
    rng = np.random.default_rng()
    for _ in range(10):
        batch = rng.random(len(y)) < 0.1
        if not batch.any():
            continue
        z = x[batch] @ w + b[0]
        residual = 1 / (1 + np.exp(-z)) - y[batch]
        w -= 0.5 * (x[batch].T @ residual / batch.sum() + 1e-3 * w)
        b -= 0.5 * residual.mean()
    reply = RecordDict({"arrays": ArrayRecord({"weights": Array(w), "bias": Array(b)}),
                        "metrics": MetricRecord({"num-examples": len(y)})})
    return Message(reply, reply_to=msg)


@app.evaluate()
def evaluate(msg: Message, context: Context) -> Message:
    arrays = msg.content["arrays"]
    w, b = arrays["weights"].numpy(), arrays["bias"].numpy()
    x, y = _data(context, w.shape[0])
    loss, accuracy = _loss_accuracy(w, b[0], x, y)
    reply = RecordDict({"metrics": MetricRecord({"loss": loss, "accuracy": accuracy, "num-examples": len(y)})})
    return Message(reply, reply_to=msg)
