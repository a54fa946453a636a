"""LaborBridge service: FastAPI app, domain services, repositories and the CLI."""
