"""Adapters: one module per technology; the only place infrastructure libraries are imported."""
