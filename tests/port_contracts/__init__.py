"""Port contract suites: mixins run against the in-memory fakes and the real adapters."""
