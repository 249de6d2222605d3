"""Property-based fuzzing of the live server from its own OpenAPI schema: nothing may answer 5xx.

Schemathesis derives Hypothesis strategies from `/docs/openapi.json` for every operation, both valid
requests (positive) and requests that break the schema (negative: wrong types, missing fields, out of
range values), and they are sent with the admin token to the session's `hippo serve` process. Examples
per operation and mode are bounded so the run takes about a minute.
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from tests.integration.api_server import AUTH, LiveServer

EXAMPLES = 6


def test_no_generated_request_gets_a_server_error(api_server: LiveServer):
    schema = schemathesis.openapi.from_url(f"{api_server.base_url}/docs/openapi.json")
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 25

    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                derandomize=True,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            def send(case):
                response = case.call(base_url=api_server.base_url, headers=AUTH, timeout=30)
                if response.status_code >= 500:
                    failures.append(
                        f"{case.method} {case.formatted_path} -> {response.status_code}: "
                        f"{response.text[:200]}\n  {case.as_curl_command()}"
                    )

            try:
                send()
            except Unsatisfiable:
                # No invalid request exists for this operation (e.g. GET /healthz has no inputs).
                assert mode is GenerationMode.NEGATIVE, operation.label

    assert not failures, "\n".join(failures[:10])
