"""Use cases shared by the HTTP API, the CLI and notebooks (ports and domain only)."""
