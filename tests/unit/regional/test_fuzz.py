"""Fuzzing the API from its OpenAPI schema: no request may get a 5xx (schemathesis)."""

from __future__ import annotations

import os

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error

from regional.app import create_app
from regional.config import Settings
from tests.unit.regional.factories import Clock, enrolled, envelope, push, referral


@pytest.mark.slow
def test_no_request_gets_a_server_error(db_url: str, settings: Settings, clock: Clock) -> None:
    app = create_app(settings)
    with TestClient(app) as client:
        office = enrolled(client, db_url, "BAOM Agadir", clock())
        push(client, office, envelope("referral", referral(office.office_id)))
        schema = schemathesis.openapi.from_asgi("/openapi.json", app)
        cases = st.one_of(
            schema.as_strategy(schemathesis.GenerationMode.POSITIVE),
            schema.as_strategy(schemathesis.GenerationMode.NEGATIVE),
        )

        @given(case=cases, authenticated=st.booleans())
        @hypothesis_settings(
            max_examples=int(os.environ.get("BAOM_FUZZ_EXAMPLES", "250")),
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case: schemathesis.Case, authenticated: bool) -> None:
            headers = {"Authorization": f"Bearer {office.token}"} if authenticated else None
            response = case.call(headers=headers)
            case.validate_response(response, checks=[not_a_server_error])

        check()
