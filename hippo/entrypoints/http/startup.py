"""Checks made before serving, kept free of web-framework imports so `hippo serve` stays quick to start."""

from __future__ import annotations

import logging

from hippo.config import Settings

log = logging.getLogger("hippo.http")


class StartupRefusedError(RuntimeError):
    """The configuration is unsafe to serve with; the message says what to set."""


def check_startup(settings: Settings) -> None:
    """Refuse to serve an unsafe configuration; warn about open writes in development.

    Raises:
        StartupRefusedError: production (`HIPPO_ENV=production`, or Railway) without `HIPPO_ADMIN_TOKEN`.
    """
    if settings.is_production and not settings.admin_token:
        raise StartupRefusedError(
            "HIPPO_ADMIN_TOKEN is not set: in production (HIPPO_ENV=production or on Railway) dictionary "
            "writes must require a bearer token. Set HIPPO_ADMIN_TOKEN to a long random secret."
        )
    if not settings.admin_token:
        log.warning("HIPPO_ADMIN_TOKEN is not set: anyone can write the dictionary (development mode)")
