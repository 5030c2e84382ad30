"""FedAvg over PrivAgg sites: a Flower App for the interoperability test."""
