"""Learning from decisions: what brokers and providers chose, and the reranker."""
