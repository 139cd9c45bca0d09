"""A property: whatever the order, resending and batching of pushes, each envelope is kept once."""

from __future__ import annotations

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from regional.database import make_engine
from regional.models import ReceivedEnvelope
from tests.unit.regional.factories import Clock, enrolled, envelope, record


def test_any_push_sequence_stores_each_envelope_once(
    client: TestClient, db_url: str, clock: Clock
) -> None:
    office = enrolled(client, db_url, "BAOM Agadir", clock())
    engine = make_engine(db_url)
    stored_so_far: set[str] = set()

    @given(data=st.data())
    @settings(
        max_examples=25,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    def check(data: st.DataObject) -> None:
        pool = [envelope("person", record(office.office_id, given_name=f"n{i}")) for i in range(6)]
        picks = data.draw(st.lists(st.sampled_from(pool), min_size=1, max_size=20))
        sizes = data.draw(st.lists(st.integers(1, 5), min_size=1, max_size=20))
        batches, start = [], 0
        for size in sizes * 20:
            if start >= len(picks):
                break
            batches.append(picks[start : start + size])
            start += size
        seen: set[str] = set()
        for batch in batches:
            answer = client.post("/api/v1/push", json={"envelopes": batch}, headers=office.headers)
            assert answer.status_code == 200
            for item, result in zip(batch, answer.json()["results"], strict=True):
                expected = "duplicate" if item["id"] in seen else "accepted"
                assert result["verdict"] == expected
                seen.add(item["id"])
        stored_so_far.update(seen)
        with engine.connect() as connection:
            ids = connection.execute(select(ReceivedEnvelope.id)).scalars().all()
        assert sorted(str(key) for key in ids) == sorted(stored_so_far)

    try:
        check()
    finally:
        engine.dispose()


def test_concurrent_pushes_of_the_same_batch_store_it_once(
    client: TestClient, db_url: str, clock: Clock
) -> None:
    import uuid
    from concurrent.futures import ThreadPoolExecutor

    from protocol.wire import Envelope
    from regional.database import session_factory
    from regional.push import push

    office = enrolled(client, db_url, "BAOM Agadir", clock())
    batch = [
        Envelope.model_validate(envelope("person", record(office.office_id))) for _ in range(50)
    ]
    engine = make_engine(db_url)
    factory = session_factory(engine)
    try:
        with ThreadPoolExecutor(8) as pool:
            runs = list(
                pool.map(
                    lambda n: push(factory, uuid.UUID(office.office_id), batch[n % 3 :], clock),
                    range(8),
                )
            )
        with engine.connect() as connection:
            count = len(connection.execute(select(ReceivedEnvelope.id)).all())
    finally:
        engine.dispose()
    assert count == 50
    for item in batch:
        verdicts = [r.verdict for run in runs for r in run if r.id == item.id]
        assert sorted(verdicts).count("accepted") == 1
        assert set(verdicts) <= {"accepted", "duplicate"}
