"""Entrypoints: the `hippo` command line and the HTTP app."""
