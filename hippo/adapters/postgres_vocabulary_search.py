"""Word listing and prefix search as index range scans, in one round trip.

Order: ``lower(word_text) COLLATE "C", word_text COLLATE "C", language_code COLLATE "C", id`` (the
language and the id drop out when the language is fixed), exactly the column order of `ix_words_sort`
and `uq_words_language_sort`. A prefix ``p`` becomes the range ``lower(word_text) COLLATE "C" >= low
AND < high`` (see `prefix_bounds`), so PostgreSQL reads the first ``offset + page_size`` matches in
index order and stops, instead of fetching and sorting every ``ILIKE 'p%'`` match.

Words found only through a word form come from a second, usually tiny, set (form-text range minus
words whose own text matched); the page is the merge of both sets in the same order, and the total
is ``count(text matches) + count(form-only matches)``. Each word appears once.

Timestamps travel as epoch seconds (`postgres_vocabulary_rows.EPOCHS`), converted once per distinct
value: decoding 200 `timestamptz` values cost asyncpg 0.35 ms of client CPU per page of 100 words,
twice the rest of the page (0.53 vs 0.18 ms, measured). Merging and ordering on the server instead
of here saved another 0.1 ms of client CPU but cost as much server time (two sorts), so the merge
stays here.
"""

from __future__ import annotations

from functools import cache

import asyncpg

from hippo.adapters.postgres_vocabulary_rows import EPOCHS, Instants
from hippo.domain.vocabulary import Word, prefix_bounds

_COLUMNS = f"w.id, w.word_text, w.language_code, {EPOCHS.format(alias='w')}, lower(w.word_text) AS k"
_NULLS = (
    "NULL::int AS id, NULL::varchar AS word_text, NULL::varchar AS language_code,"
    " NULL::float8 AS created_at, NULL::float8 AS updated_at, NULL::text AS k"
)
_RANGE = 'lower({col}) COLLATE "C" >= {low} AND lower({col}) COLLATE "C" < {high}'


@cache
def _sql(search: bool, language: bool) -> str:
    """The query; parameters: $1 limit, $2 offset, then $3 language (if any), then low, high."""
    # With the language fixed, (lower, text) is unique (`uq_words_language_sort`): no id needed.
    order = 'lower(w.word_text) COLLATE "C", w.word_text COLLATE "C"' + (
        "" if language else ', w.language_code COLLATE "C", w.id'
    )
    n = 3 if language else 2
    low, high = f"${n + 1}", f"${n + 2}"
    conditions = []
    if language:
        conditions.append("w.language_code = $3")
    if search:
        conditions.append(_RANGE.format(col="w.word_text", low=low, high=high))
    where = (" WHERE " + " AND ".join(conditions)) if conditions else ""
    parts = [
        f"n AS (SELECT count(*) AS n FROM words w{where})",
        f"t AS (SELECT {_COLUMNS} FROM words w{where} ORDER BY {order} LIMIT $1 OFFSET $2)",
    ]
    select = f"SELECT 0 AS src, {_NULLS}, n.n FROM n UNION ALL SELECT 1, t.*, NULL FROM t"
    if search:
        forms_range = _RANGE.format(col="fo.form_text", low=low, high=high)
        own_range = _RANGE.format(col="w.word_text", low=low, high=high)
        only_forms = (
            f"SELECT {_COLUMNS} FROM words w"
            f" WHERE w.id IN (SELECT fo.word_id FROM word_forms fo WHERE {forms_range})"
            f" AND NOT ({own_range})" + (" AND w.language_code = $3" if language else "")
        )
        parts.append(f"f AS ({only_forms})")
        select += " UNION ALL SELECT 2, f.*, NULL FROM f"
    return "WITH " + ", ".join(parts) + " " + select


class WordSearch:
    """Runs the list/search query for one page."""

    async def run(
        self, con: asyncpg.Connection, search: str | None, language: str | None, offset: int, limit: int
    ) -> tuple[list[Word], int]:
        """Words of the page ``[offset, offset + limit)`` and the total number of matches."""
        # With a search, the text part returns its first offset+limit rows so that the merge is exact.
        args: list[object] = [offset + limit, 0] if search else [limit, offset]
        if language is not None:
            args.append(language)
        if search:
            low, high = prefix_bounds(search)
            args += [low, high if high is not None else low + "\U0010ffff"]
        records = await con.fetch(_sql(bool(search), language is not None), *args)
        # One count row (src 0), the text matches (src 1) and the form-only matches (src 2), merged
        # here in the list order (UNION ALL promises no order); columns by position (cheaper).
        total = form_only = 0
        matched = []
        for record in records:
            if record[0] == 0:
                total += record[_N]
            else:
                matched.append(record)
                form_only += record[0] == 2
        matched.sort(key=_key)
        if search:
            matched = matched[offset : offset + limit]
        at = Instants()  # the words of one page mostly share their timestamps
        return [Word(r[1], r[2], r[3], at[r[4]], at[r[5]]) for r in matched], total + form_only


_N = 7
"""Column of the count in the count row (after src, the five word columns and k)."""


def _key(record: asyncpg.Record) -> tuple[str, str, str, int]:
    return (record[6], record[2], record[3], record[1])
