"""Wire schemas (msgspec Structs) of the HTTP API, kept apart from the domain types."""
