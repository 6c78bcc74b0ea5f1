"""schemathesis against the API's own OpenAPI document, as the administrator on the demo company: no operation
answers a server error, whatever the generated input (issue 14 item 10). Bounded so that ``make test`` stays
quick: a few examples per operation (ENNOSHITA_FUZZ_EXAMPLES, default 4), SQLite and PostgreSQL.

Before the fix this found 5xx from integers above 2⁶³ in ids and ``page``, huge decimals, duplicate names,
``fiscal_year=10000``, undecodable import files and control characters in stored text.
"""

from __future__ import annotations

import os
from typing import Any

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from ennoshita.api.app import create_api
from ennoshita.db import Database
from tests.integration.test_api import token_for

EXAMPLES = int(os.environ.get("ENNOSHITA_FUZZ_EXAMPLES", "4"))


def test_no_operation_answers_a_server_error(demo_db: Database) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_api(demo_db))
    headers = {"Authorization": f"Bearer {token_for(demo_db, 'admin@demo.ennoshita.jp')}"}
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=st.one_of(operation.as_strategy(GenerationMode.POSITIVE),
                              operation.as_strategy(GenerationMode.NEGATIVE)))
        @settings(max_examples=EXAMPLES, deadline=None, phases=[Phase.explicit, Phase.generate],
                  suppress_health_check=list(HealthCheck), derandomize=True, database=None)
        def call(case: Any) -> None:
            try:
                response = case.call(headers=headers)
            except Exception as exc:  # the in-process transport raises what would have been a 500
                failures.append(f"{case.method} {case.formatted_path} query={case.query} body={case.body!r:.200}: "
                                f"{type(exc).__name__}: {str(exc)[:200]}")
                return
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path} query={case.query} body={case.body!r:.200}: "
                                f"{response.status_code} {response.text[:200]}")

        call()
    assert not failures, "\n".join(failures)
