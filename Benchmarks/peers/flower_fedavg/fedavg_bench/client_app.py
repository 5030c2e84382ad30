"""ClientApp: a site that returns a synthetic bounded update instead of training.

The global model plus uniform noise in [-0.01, 0.01] per parameter (numpy, seeded by the node's
`partition-id`), with `num-examples` 100: the same work per round as PrivAgg's synthetic sites
(copy, add, serialize), so the benchmark times the federation machinery, not a model. For the
SecAgg+ workflow the legacy client API is used (secaggplus_mod masks `fit` replies).
"""

import numpy as np
from flwr.app import Array, ArrayRecord, Context, Message, MetricRecord, RecordDict
from flwr.client import NumPyClient
from flwr.client.mod import secaggplus_mod
from flwr.clientapp import ClientApp


def _update(params: np.ndarray, context: Context) -> np.ndarray:
    rng = np.random.default_rng(int(context.node_config.get("partition-id", 0)))
    return params + rng.uniform(-0.01, 0.01, size=params.shape)


class SyntheticClient(NumPyClient):
    def __init__(self, context: Context):
        self.context = context

    def fit(self, parameters, config):
        return [_update(parameters[0], self.context)], 100, {}


def _client_fn(context: Context):
    return SyntheticClient(context).to_client()


# One ClientApp serves both workflows: the message API for FedAvg (`train`), and the legacy
# client (behind secaggplus_mod) for SecAgg+'s `train` stages.
legacy = ClientApp(client_fn=_client_fn, mods=[secaggplus_mod])
app = ClientApp()


@app.train()
def train(msg: Message, context: Context) -> Message:
    if "params" not in msg.content.get("arrays", {}):
        return legacy(msg, context)  # a SecAgg+ stage (legacy FitIns content)
    params = msg.content["arrays"]["params"].numpy()
    reply = RecordDict({"arrays": ArrayRecord({"params": Array(_update(params, context))}),
                        "metrics": MetricRecord({"num-examples": 100})})
    return Message(reply, reply_to=msg)
