"""ClientApp placeholder required by Flower's app format.

The sites of this federation are `privagg flower-node` processes (Swift) that answer the Fleet
API themselves; no Python ClientApp runs. A SuperNode that tries to run this app gets a clear
error instead of silently training something else.
"""

from flwr.app import Context, Message
from flwr.clientapp import ClientApp

app = ClientApp()


@app.train()
def train(msg: Message, context: Context) -> Message:
    raise RuntimeError("this app's sites are PrivAgg nodes (privagg flower-node); no Python ClientApp trains here")


@app.evaluate()
def evaluate(msg: Message, context: Context) -> Message:
    raise RuntimeError("this app's sites are PrivAgg nodes (privagg flower-node); no Python ClientApp evaluates here")
