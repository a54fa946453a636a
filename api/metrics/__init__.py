"""Prometheus metrics, served on a port of their own (docs/operations.md, "Metrics")."""
