"""One DATABASE_URL in any pasted form, normalised for asyncpg and for psycopg (FACTS.md §1)."""

import pytest

from hippo.adapters.postgres import asyncpg_dsn, direct_netloc, is_pooled, psycopg_url

NEON = "postgresql://alex:pw@ep-cool-123-pooler.us-east-2.aws.neon.tech/neondb?sslmode=require&channel_binding=require"


@pytest.mark.parametrize(
    "scheme", ["postgresql", "postgres", "postgresql+psycopg", "postgresql+asyncpg", "postgresql+psycopg2"]
)
def test_every_scheme_becomes_plain_postgresql_for_asyncpg(scheme):
    url = NEON.replace("postgresql", scheme, 1)
    assert asyncpg_dsn(url) == (
        "postgresql://alex:pw@ep-cool-123-pooler.us-east-2.aws.neon.tech/neondb?sslmode=require"
    )


def test_psycopg_url_keeps_libpq_parameters_and_uses_the_direct_host():
    assert psycopg_url(NEON) == (
        "postgresql+psycopg://alex:pw@ep-cool-123.us-east-2.aws.neon.tech/neondb"
        "?sslmode=require&channel_binding=require"
    )
    assert "-pooler" in psycopg_url(NEON, direct=False)


def test_sqlalchemy_asyncpg_spelling_of_ssl_is_translated():
    assert asyncpg_dsn("postgresql+asyncpg://u@h/db?ssl=require") == "postgresql://u@h/db?sslmode=require"


def test_unix_socket_urls_survive():
    url = "postgresql://postgres:@/hippo?host=/tmp/x/pgdata"
    assert asyncpg_dsn(url) == "postgresql://postgres:@/hippo?host=%2Ftmp%2Fx%2Fpgdata"
    assert not is_pooled(url)


def test_pooler_detection_and_direct_host():
    assert is_pooled(NEON)
    assert not is_pooled("postgresql://u@ep-cool-123.us-east-2.aws.neon.tech/db")
    assert direct_netloc("u:p@ep-a-pooler.x.neon.tech:5432") == "u:p@ep-a.x.neon.tech:5432"
    assert direct_netloc("localhost") == "localhost"


def test_other_schemes_are_rejected():
    with pytest.raises(ValueError, match="not a PostgreSQL URL"):
        asyncpg_dsn("mysql://u@h/db")
