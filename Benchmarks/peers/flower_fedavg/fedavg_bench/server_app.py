"""ServerApp: Flower's FedAvg over a float64 model of `dimension` parameters.

Times every round as the ServerApp sees it: from configuring the train messages to the
aggregated model (no federated evaluation: fraction_evaluate=0). With workflow = "secagg+",
the same FedAvg runs inside Flower's SecAggPlusWorkflow (legacy `flwr.server` API, the only one
that offers SecAgg+ in flwr 1.42) and a round is timed from the workflow's fit stage start to
its end. The per-round seconds and reply counts go to `result-file` as JSON.
"""

import json
import time

import numpy as np
from flwr.app import Array, ArrayRecord, ConfigRecord, Context
from flwr.serverapp import Grid, ServerApp
from flwr.serverapp.strategy import FedAvg

app = ServerApp()


class TimedFedAvg(FedAvg):
    """FedAvg that records each round's train-phase seconds and reply counts."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.started: dict[int, float] = {}
        self.seconds: dict[int, float] = {}
        self.replies: dict[int, int] = {}
        self.errors: dict[int, int] = {}

    def configure_train(self, server_round, arrays, config, grid):
        self.started[server_round] = time.monotonic()
        return super().configure_train(server_round, arrays, config, grid)

    def aggregate_train(self, server_round, replies):
        replies = list(replies)
        self.replies[server_round] = len(replies)
        self.errors[server_round] = sum(1 for m in replies if m.has_error())
        result = super().aggregate_train(server_round, replies)
        self.seconds[server_round] = time.monotonic() - self.started[server_round]
        return result


def _write(context: Context, summary: dict) -> None:
    print("PRIVAGG-BENCH " + json.dumps(summary))
    path = str(context.run_config["result-file"])
    if path:
        with open(path, "w", encoding="utf-8") as out:
            json.dump(summary, out, indent=1)


def _fedavg(grid: Grid, context: Context) -> None:
    rounds = int(context.run_config["num-server-rounds"])
    dimension = int(context.run_config["dimension"])
    nodes = int(context.run_config["min-nodes"])
    strategy = TimedFedAvg(fraction_train=1.0, fraction_evaluate=0.0, min_train_nodes=nodes, min_available_nodes=nodes)
    initial = ArrayRecord({"params": Array(np.zeros(dimension, dtype=np.float64))})
    strategy.start(grid=grid, initial_arrays=initial, num_rounds=rounds, train_config=ConfigRecord(), timeout=3600)
    _write(context, {"workflow": "fedavg", "dimension": dimension, "nodes": nodes,
                     "round_seconds": {str(r): s for r, s in strategy.seconds.items()},
                     "replies": {str(r): n for r, n in strategy.replies.items()},
                     "errors": {str(r): n for r, n in strategy.errors.items()}})


def _secaggplus(grid: Grid, context: Context) -> None:
    # The legacy API: SecAgg+ exists only as a workflow of flwr.server's Driver/Grid loop.
    from flwr.common import ndarrays_to_parameters
    from flwr.server import LegacyContext, ServerConfig
    from flwr.server.strategy import FedAvg as LegacyFedAvg
    from flwr.server.workflow import DefaultWorkflow, SecAggPlusWorkflow

    rounds = int(context.run_config["num-server-rounds"])
    dimension = int(context.run_config["dimension"])
    nodes = int(context.run_config["min-nodes"])
    seconds: dict[int, float] = {}

    class TimedSecAggPlus(SecAggPlusWorkflow):
        def __call__(self, grid, context):
            started = time.monotonic()
            super().__call__(grid, context)
            seconds[len(seconds) + 1] = time.monotonic() - started

    strategy = LegacyFedAvg(fraction_fit=1.0, fraction_evaluate=0.0, min_fit_clients=nodes, min_available_clients=nodes,
                            initial_parameters=ndarrays_to_parameters([np.zeros(dimension, dtype=np.float64)]))
    legacy = LegacyContext(context=context, config=ServerConfig(num_rounds=rounds), strategy=strategy)
    workflow = DefaultWorkflow(fit_workflow=TimedSecAggPlus(
        num_shares=int(context.run_config["num-shares"]),
        reconstruction_threshold=int(context.run_config["reconstruction-threshold"])))
    workflow(grid, legacy)
    _write(context, {"workflow": "secagg+", "dimension": dimension, "nodes": nodes,
                     "round_seconds": {str(r): s for r, s in seconds.items()}})


@app.main()
def main(grid: Grid, context: Context) -> None:
    if str(context.run_config["workflow"]) == "secagg+":
        _secaggplus(grid, context)
    else:
        _fedavg(grid, context)
