"""ServerApp: Flower's own FedAvg strategy over PrivAgg's logistic regression.

The global model is two float64 arrays, `weights` [feature-count] and `bias` [1], starting at
zero as in `privagg train`. Every round sends `train` to all nodes (FedAvg weighs the replies
by `num-examples`), then `evaluate` (accuracy and loss weighted by the sites' test records).
The per-round results go to `result-file` as JSON, with the number of error replies of every
round (a site that refuses a round for its privacy budget answers with Flower's error field).
"""

import json
import time

import numpy as np
from flwr.app import Array, ArrayRecord, ConfigRecord, Context, Message
from flwr.serverapp import Grid, ServerApp
from flwr.serverapp.strategy import FedAvg

app = ServerApp()


class CountingFedAvg(FedAvg):
    """FedAvg that records, per round, how many replies were errors and how long it took."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.errors: dict[int, dict[str, list[str]]] = {}
        self.replies: dict[int, dict[str, int]] = {}
        self.started: dict[int, float] = {}
        self.seconds: dict[int, float] = {}

    def configure_train(self, server_round, arrays, config, grid):
        self.started[server_round] = time.monotonic()
        return super().configure_train(server_round, arrays, config, grid)

    def _note(self, server_round: int, phase: str, replies: list[Message]) -> None:
        reasons = [m.error.reason for m in replies if m.has_error()]
        self.errors.setdefault(server_round, {})[phase] = reasons
        self.replies.setdefault(server_round, {})[phase] = len(replies)

    def aggregate_train(self, server_round, replies):
        replies = list(replies)
        self._note(server_round, "train", replies)
        return super().aggregate_train(server_round, replies)

    def aggregate_evaluate(self, server_round, replies):
        replies = list(replies)
        self._note(server_round, "evaluate", replies)
        self.seconds[server_round] = time.monotonic() - self.started.get(server_round, time.monotonic())
        return super().aggregate_evaluate(server_round, replies)


@app.main()
def main(grid: Grid, context: Context) -> None:
    rounds = int(context.run_config["num-server-rounds"])
    features = int(context.run_config["feature-count"])
    nodes = int(context.run_config["min-nodes"])
    result_file = str(context.run_config["result-file"])

    strategy = CountingFedAvg(
        fraction_train=1.0, fraction_evaluate=1.0,
        min_train_nodes=nodes, min_evaluate_nodes=nodes, min_available_nodes=nodes,
    )
    initial = ArrayRecord({"weights": Array(np.zeros(features, dtype=np.float64)), "bias": Array(np.zeros(1, dtype=np.float64))})
    result = strategy.start(
        grid=grid, initial_arrays=initial, num_rounds=rounds,
        train_config=ConfigRecord(), evaluate_config=ConfigRecord(), timeout=600,
    )
    arrays = result.arrays if result.arrays is not None and "weights" in result.arrays else None
    summary = {
        "flwr_rounds": rounds,
        "nodes": nodes,
        "train_metrics": {str(r): dict(m) for r, m in result.train_metrics_clientapp.items()},
        "evaluate_metrics": {str(r): dict(m) for r, m in result.evaluate_metrics_clientapp.items()},
        "errors": {str(r): e for r, e in strategy.errors.items()},
        "replies": {str(r): n for r, n in strategy.replies.items()},
        "round_seconds": {str(r): s for r, s in strategy.seconds.items()},
        "weights": arrays["weights"].numpy().tolist() if arrays is not None else None,
        "bias": float(arrays["bias"].numpy()[0]) if arrays is not None else None,
    }
    print("PRIVAGG-RESULT " + json.dumps(summary))
    if result_file:
        with open(result_file, "w", encoding="utf-8") as out:
            json.dump(summary, out, indent=1)
