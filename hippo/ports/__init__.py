"""Ports: `typing.Protocol`s over domain types that the adapters implement."""
