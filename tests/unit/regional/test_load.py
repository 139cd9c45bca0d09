"""The mixed load and attack driver (``regional.load``) at a tiny scale, on PostgreSQL.

The benchmark (``baom bench --only sync_under_attack``) runs it at full scale; here a few
offices sync for a few seconds through two server processes while the attacker knocks,
with pushes of 1 MiB under made-up tokens rather than the 203 MiB the push limit allows.
"""

from __future__ import annotations

import json

import pytest

from protocol.wire import MAX_SEALED_CHARS
from regional.limits import PUSH_MAX_BYTES
from regional.load import ATTACK_ANSWERS, AttackPlan, LoadPlan, big_push_body, run_under_attack
from tests.helpers.postgres import PostgresServer

pytestmark = pytest.mark.slow
TINY = LoadPlan(
    offices=4,
    duration_s=8.0,
    partners=2,
    partner_every_s=(0.5, 1.0),
    report_share=0.5,
    attack=AttackPlan(big_push_bytes=1024 * 1024, big_push_budget_s=5.0),
)


def test_a_tiny_run_loses_nothing_and_the_attacker_is_only_refused(
    postgresql_server: PostgresServer, postgresql_template: str
) -> None:
    name = postgresql_server.new_database(template=postgresql_template)
    try:
        report = run_under_attack(postgresql_server.url(name), TINY)
    finally:
        postgresql_server.drop_database(name)
    figures = report.figures()
    assert figures["envelopes_sent"] > 0 and figures["sync_requests"] > 0
    assert report.sent == report.acknowledged, figures
    assert (report.lost, report.duplicated, report.unexpected, report.refused) == (0, 0, 0, 0)
    assert report.attacker and set(report.attacker) <= ATTACK_ANSWERS, report.attacker
    for kind in ("enrol_guess", "token_guess", "big_push"):
        assert any(key.startswith(kind) for key in report.attacker_kinds), report.attacker_kinds
    assert report.page_ms and report.page_answers.keys() == {"200"}, report.page_answers
    assert report.health_answers.keys() == {"200"} and report.peak_rss_mb > 0
    assert report.server_tracebacks == 0


@pytest.mark.parametrize("size", [10, 1000, 1024 * 1024])
def test_the_big_push_body_has_the_declared_size_and_is_json_when_it_can_be(size: int) -> None:
    body = b"".join(big_push_body(size))
    assert len(body) == size
    if size >= 1000:
        envelopes = json.loads(body)["envelopes"]
        assert len(envelopes) == (2 if size > 1000 else 0)
        assert all(len(item["sealed"]) == MAX_SEALED_CHARS for item in envelopes)


def test_the_largest_push_is_made_as_it_is_sent() -> None:
    sizes = [len(part) for part in big_push_body(PUSH_MAX_BYTES)]
    assert sum(sizes) == PUSH_MAX_BYTES and max(sizes) < 400_000
