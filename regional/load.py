"""Mixed load under attack: offices sync, partners report, an attacker knocks, all at once.

``run_under_attack(db_url, plan)`` starts ``plan.servers`` ``baom-regional serve`` processes
on one database (two hosts behind one proxy: ``--forwarded-allow-ips 127.0.0.1``, and every
simulated client says who it is in ``X-Forwarded-For``), registers and enrols
``plan.offices`` offices, then for ``plan.duration_s`` seconds, with time compressed:

- each office syncs every few seconds (jittered) on a server picked at random: it pushes a
  batch of new envelopes (and whatever an earlier round left unacknowledged, like the real
  client after a 503 or a timeout), then pulls until ``more`` is false;
- partners open the ``/r/TOKEN`` pages of referrals the offices pushed, and now and then
  send the report form (with the page's nonce), each partner from its own address and
  slowly enough to stay under the page's rate limit;
- an attacker (a process of its own, so that it does not compete with the measured
  clients for the interpreter lock) guesses enrolment codes and partner tokens without
  pause, each thread from one address, and sends pushes under made-up bearer tokens that
  declare the largest body a push may have (``PUSH_MAX_BYTES``) and stream it lazily over
  a raw socket; each is cut off after ``big_push_budget_s`` and then counts as ``timeout``;
- a prober times ``GET /api/v1/health`` on every server every 200 ms, and the servers'
  resident memory is read from ``/proc`` every 100 ms (and their peak, ``VmHWM``, at the end).

Then every office pushes what it still holds, and the database is checked: each envelope
the server acknowledged is stored once, under its office. The figures are in
:class:`LoadReport`; :meth:`LoadReport.missed_bars` says which of the issue's bars were
missed (sync p95 ≤ 500 ms, nothing lost or duplicated, peak RSS ≤ 1 GiB, the attacker
answered only 401, 404, 413 or 429).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import secrets
import select
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import IO, Any

import httpx
from sqlalchemy import select as sql_select

from protocol.wire import API_PREFIX, MAX_PULL_PAGE, MAX_PUSH_BATCH, MAX_SEALED_CHARS
from regional.bench import client_address, enrol_offices, envelope, start_server
from regional.clock import utcnow
from regional.database import make_engine
from regional.limits import PUSH_MAX_BYTES, PUSH_PATH
from regional.models import ReceivedEnvelope
from regional.offices import CODE_ALPHABET, CODE_LENGTH

ATTACK_ANSWERS = frozenset({"401", "404", "413", "429"})
"""What the attacker may get: refused, not found, too large, slowed down. Anything else
(``timeout``, a connection reset before an answer, 422, 503…) misses the bar."""
SYNC_P95_BAR_MS = 500.0
RSS_BAR_MB = 1024.0
ACKNOWLEDGED = frozenset({"accepted", "duplicate"})
REFUSED = frozenset({"invalid", "conflict"})
SYNC_TIMEOUT = httpx.Timeout(30.0, connect=5.0)
"""As the office's client (``kiosk.sync.client.TIMEOUT``)."""


_NONCE = re.compile(r'name="nonce" value="([0-9a-f]+)"')
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class AttackPlan:
    """The attacker: how many threads of each attack, and how large and long a big push is."""

    enrol_guessers: int = 1
    token_guessers: int = 1
    big_pushers: int = 2
    big_push_bytes: int = PUSH_MAX_BYTES
    big_push_budget_s: float = 10.0
    """A big push with no answer after this long is cut off and counts as ``timeout``."""
    seed: int = 12

    def kinds(self) -> list[str]:
        """One attack per thread."""
        return (
            ["enrol_guess"] * self.enrol_guessers
            + ["token_guess"] * self.token_guessers
            + ["big_push"] * self.big_pushers
        )


@dataclass(frozen=True)
class LoadPlan:
    """How big the run is, and the attacker's plan."""

    offices: int = 200
    duration_s: float = 75.0
    round_every_s: tuple[float, float] = (10.0, 20.0)
    """An office syncs every 5 minutes (``kiosk.sync.schedule``): time runs 15 to 30 times
    faster, so 200 offices send what 3,000 to 6,000 would."""
    batch: tuple[int, int] = (3, 50)
    partners: int = 20
    partner_every_s: tuple[float, float] = (3.0, 6.0)
    """At most 20 visits a minute (and some reports): under the page's 30 per client."""
    report_share: float = 0.3
    attack: AttackPlan = field(default_factory=AttackPlan)
    servers: int = 2
    health_every_s: float = 0.2
    memory_every_s: float = 0.1
    drain_attempts: int = 5
    seed: int = 12
    log_dir: Path | None = None
    """Where the servers' and the attacker's output is kept (else a temporary folder)."""


def percentile(values: list[float], share: float) -> float:
    """The ``share`` (0 to 1) percentile as ``kiosk.bench.Samples`` computes its p95 (0 if none)."""
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0]
    cuts = statistics.quantiles(sorted(values), n=100, method="inclusive")
    return cuts[round(share * 100) - 1] if 0 < share < 1 else max(values)


@dataclass
class LoadReport:
    """What a run measured (times in milliseconds)."""

    offices: int
    duration_s: float = 0.0
    sync_ms: list[float] = field(default_factory=list)
    page_ms: list[float] = field(default_factory=list)
    health_ms: list[float] = field(default_factory=list)
    sync_answers: Counter[str] = field(default_factory=Counter)
    page_answers: Counter[str] = field(default_factory=Counter)
    health_answers: Counter[str] = field(default_factory=Counter)
    attacker: Counter[str] = field(default_factory=Counter)
    """Answers to the attacker by status (``"401"``, ``"timeout"``…)."""
    attacker_kinds: Counter[str] = field(default_factory=Counter)
    """The same by kind of attack and status (``"big_push_401"``)."""
    peak_rss_mb: float = 0.0
    servers_cpu_cores: float = 0.0
    """CPU time the servers used during the run over its wall time (1.0: one core busy)."""
    driver_cpu_cores: float = 0.0
    """The same for the process measuring (offices, partners, prober; not the attacker)."""
    sent: int = 0
    acknowledged: int = 0
    refused: int = 0
    lost: int = 0
    duplicated: int = 0
    unexpected: int = 0
    reports: int = 0
    server_tracebacks: int = 0

    def missed_bars(self) -> list[str]:
        """The issue's bars this run missed, in words (empty when it met them all)."""
        missed = []
        p95 = percentile(self.sync_ms, 0.95)
        if p95 > SYNC_P95_BAR_MS:
            missed.append(f"legitimate sync p95 {p95:.0f} ms > {SYNC_P95_BAR_MS:.0f} ms")
        if self.lost or self.duplicated or self.unexpected:
            missed.append(
                f"envelopes lost {self.lost}, duplicated {self.duplicated}, "
                f"stored though never sent {self.unexpected}"
            )
        if self.peak_rss_mb > RSS_BAR_MB:
            missed.append(f"peak RSS {self.peak_rss_mb:.0f} MB > {RSS_BAR_MB:.0f} MB")
        other = {key: n for key, n in self.attacker.items() if key not in ATTACK_ANSWERS}
        if other:
            missed.append(f"the attacker got {dict(sorted(other.items()))}")
        return missed

    def figures(self) -> dict[str, float]:
        """The figures as ``kiosk.bench.Samples`` extras (numbers only: answers flattened)."""
        figures: dict[str, float] = {
            "offices": self.offices,
            "duration_s": self.duration_s,
            "sync_requests": len(self.sync_ms),
            "sync_p50_ms": percentile(self.sync_ms, 0.5),
            "sync_p95_ms": percentile(self.sync_ms, 0.95),
            "sync_max_ms": max(self.sync_ms, default=0.0),
            "sync_failures": sum(n for key, n in self.sync_answers.items() if key != "200"),
            "partner_requests": len(self.page_ms),
            "partner_page_p95_ms": percentile(self.page_ms, 0.95),
            "partner_failures": sum(n for key, n in self.page_answers.items() if key != "200"),
            "partner_429": self.page_answers["429"],
            "partner_reports": self.reports,
            "health_p95_ms": percentile(self.health_ms, 0.95),
            "health_max_ms": max(self.health_ms, default=0.0),
            "health_failures": sum(n for key, n in self.health_answers.items() if key != "200"),
            "peak_rss_mb": self.peak_rss_mb,
            "servers_cpu_cores": self.servers_cpu_cores,
            "driver_cpu_cores": self.driver_cpu_cores,
            "envelopes_sent": self.sent,
            "envelopes_acknowledged": self.acknowledged,
            "envelopes_refused": self.refused,
            "envelopes_unacknowledged": self.sent - self.acknowledged - self.refused,
            "envelopes_lost": self.lost,
            "envelopes_duplicated": self.duplicated,
            "envelopes_unexpected": self.unexpected,
            "attacker_requests": sum(self.attacker.values()),
            "attacker_unexpected": sum(
                n for key, n in self.attacker.items() if key not in ATTACK_ANSWERS
            ),
            "server_tracebacks": self.server_tracebacks,
            "bars_missed": len(self.missed_bars()),
        }
        for key, n in sorted(self.attacker.items()):
            figures[f"attacker_{key}"] = n
        for key, n in sorted(self.attacker_kinds.items()):
            figures[f"attacker_{key}"] = n
        return figures


@dataclass
class _Office:
    office_id: str
    token: str
    address: str
    rng: random.Random
    cursor: int = 0
    made: int = 0
    pending: list[dict[str, Any]] = field(default_factory=list)

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", "X-Forwarded-For": self.address}


class _Run:
    """The shared state of one run: servers' clients, the ledger of envelopes, the tallies."""

    def __init__(self, plan: LoadPlan, bases: list[str]) -> None:
        self.plan = plan
        self.bases = bases
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.report = LoadReport(offices=plan.offices)
        self.owner: dict[str, str] = {}  # envelope id -> office id, of every envelope pushed
        self.acked: set[str] = set()
        self.referral_tokens: dict[str, str] = {}  # envelope id -> token, until acknowledged
        self.tokens: list[str] = []  # of acknowledged referrals: what partners open
        self.reported: set[str] = set()
        limits = httpx.Limits(max_connections=None, keepalive_expiry=1.0)
        # Shared by the offices and partners of a server (each request says who it is);
        # connections idle less long than uvicorn's keep-alive (5 s), so none is reused
        # just as the server closes it.
        self.clients = [
            httpx.Client(base_url=base, timeout=SYNC_TIMEOUT, limits=limits) for base in bases
        ]

    def close(self) -> None:
        for client in self.clients:
            client.close()

    def client(self, rng: random.Random) -> httpx.Client:
        return rng.choice(self.clients)

    def timed(
        self, into: list[float], answers: Counter[str], send: Callable[[], httpx.Response]
    ) -> httpx.Response | None:
        """Send one request and note its wall time and its answer (or why there is none)."""
        started = time.perf_counter()
        answer: httpx.Response | None = None
        try:
            answer = send()
            status = str(answer.status_code)
        except httpx.TimeoutException:
            status = "timeout"
        except httpx.TransportError:
            status = "error"
        elapsed = (time.perf_counter() - started) * 1000
        with self.lock:
            into.append(elapsed)
            answers[status] += 1
        return answer

    # --- offices ---------------------------------------------------------------------

    def office(self, office: _Office, deadline: float) -> None:
        """Sync rounds until ``deadline``, then push what is left (a few tries)."""
        low, high = self.plan.round_every_s
        start_at = time.monotonic() + office.rng.uniform(0, high)
        while not self.stop.wait(max(0.0, min(start_at, deadline) - time.monotonic())):
            if time.monotonic() >= deadline:
                break
            self.sync_round(office)
            start_at = max(time.monotonic(), start_at + office.rng.uniform(low, high))
        for _attempt in range(self.plan.drain_attempts):
            if not office.pending or self.push_pending(office, self.client(office.rng)):
                return
            time.sleep(1.0)

    def sync_round(self, office: _Office) -> None:
        """New envelopes, a push of everything pending, then pull until ``more`` is false."""
        now = utcnow().isoformat(timespec="seconds")
        for _ in range(office.rng.randint(*self.plan.batch)):
            token = secrets.token_urlsafe(16)
            made = envelope(office.office_id, office.made, token=token, at=now)
            office.made += 1
            office.pending.append(made)
            with self.lock:
                self.owner[made["id"]] = office.office_id
                if made["entity_type"] == "referral":
                    self.referral_tokens[made["id"]] = token
        client = self.client(office.rng)
        if self.push_pending(office, client):
            self.pull(office, client)

    def push_pending(self, office: _Office, client: httpx.Client) -> bool:
        """Push the pending envelopes in batches; False when the server did not take one
        (5xx, timeout, broken connection): they stay pending for the next round."""
        while office.pending:
            batch = office.pending[:MAX_PUSH_BATCH]
            answer = self.timed(
                self.report.sync_ms,
                self.report.sync_answers,
                partial(
                    client.post,
                    f"{API_PREFIX}/push",
                    json={"envelopes": batch},
                    headers=office.headers,
                ),
            )
            if answer is None or answer.status_code != 200:
                return False
            verdicts = {item["id"]: item["verdict"] for item in answer.json()["results"]}
            kept = []
            with self.lock:
                for made in batch:
                    verdict = verdicts.get(made["id"])
                    if verdict in ACKNOWLEDGED:
                        self.acked.add(made["id"])
                        token = self.referral_tokens.pop(made["id"], None)
                        if token is not None:
                            self.tokens.append(token)
                    elif verdict in REFUSED:
                        self.report.refused += 1
                    else:
                        kept.append(made)
            office.pending = kept + office.pending[len(batch) :]
            if kept:
                return False
        return True

    def pull(self, office: _Office, client: httpx.Client) -> None:
        while True:
            params = {"after": office.cursor, "limit": MAX_PULL_PAGE}
            answer = self.timed(
                self.report.sync_ms,
                self.report.sync_answers,
                partial(client.get, f"{API_PREFIX}/pull", params=params, headers=office.headers),
            )
            if answer is None or answer.status_code != 200:
                return
            page = answer.json()
            office.cursor = page["cursor"]
            if not page["more"]:
                return

    # --- partners --------------------------------------------------------------------

    def partner(self, number: int) -> None:
        """Open pages of real referrals; report on some (each referral at most once)."""
        rng = random.Random(self.plan.seed * 1000 + number)
        headers = {"X-Forwarded-For": client_address(2, number)}
        while not self.stop.wait(rng.uniform(*self.plan.partner_every_s)):
            with self.lock:
                token = rng.choice(self.tokens) if self.tokens else None
            if token is None:
                continue
            client = self.client(rng)
            page = self.timed(
                self.report.page_ms,
                self.report.page_answers,
                partial(client.get, f"/r/{token}", headers=headers),
            )
            if page is None or page.status_code != 200 or rng.random() >= self.plan.report_share:
                continue
            with self.lock:
                if token in self.reported:
                    continue
                self.reported.add(token)
            found = _NONCE.search(page.text)
            today = utcnow().date().isoformat()
            form = {
                "nonce": found.group(1) if found else "",
                "lang": "fr",
                "outcome": rng.choice(("received", "done")),
                "provided": "Consultation",
                "outcome_date": today,
            }
            done = self.timed(
                self.report.page_ms,
                self.report.page_answers,
                partial(client.post, f"/r/{token}", data=form, headers=headers),
            )
            if done is not None and done.status_code == 200:
                with self.lock:
                    self.report.reports += 1

    # --- watching the servers --------------------------------------------------------

    def probe_health(self) -> None:
        with ExitStack() as stack:
            clients = [
                stack.enter_context(httpx.Client(base_url=base, timeout=5.0)) for base in self.bases
            ]
            tick = time.monotonic()
            while not self.stop.wait(max(0.0, tick - time.monotonic())):
                for client in clients:
                    self.timed(
                        self.report.health_ms,
                        self.report.health_answers,
                        partial(client.get, f"{API_PREFIX}/health"),
                    )
                tick += self.plan.health_every_s

    def watch_memory(self, pids: list[int]) -> None:
        while not self.stop.wait(self.plan.memory_every_s):
            for pid in pids:
                resident = memory_mb(pid, "VmRSS")
                with self.lock:
                    self.report.peak_rss_mb = max(self.report.peak_rss_mb, resident)


def attack(bases: list[str], plan: AttackPlan, stop: threading.Event) -> Counter[str]:
    """The attacker's threads (one per attack of ``plan``), without pause until ``stop``;
    the answers they got, by ``"kind status"``."""
    answers: Counter[str] = Counter()
    lock = threading.Lock()

    def one_thread(kind: str, number: int) -> None:
        rng = random.Random(plan.seed * 7000 + number)
        address = client_address(3, number)
        headers = {"X-Forwarded-For": address}
        with ExitStack() as stack:
            clients = [
                stack.enter_context(httpx.Client(base_url=base, timeout=10.0)) for base in bases
            ]
            while not stop.is_set():
                if kind == "big_push":
                    base = rng.choice(bases)
                    answer = big_push(base, plan.big_push_bytes, plan.big_push_budget_s, address)
                else:
                    answer = _guess(rng.choice(clients), kind, headers)
                with lock:
                    answers[f"{kind} {answer}"] += 1

    kinds = plan.kinds()
    with ThreadPoolExecutor(max(1, len(kinds)), thread_name_prefix="attack") as pool:
        for future in [pool.submit(one_thread, kind, n) for n, kind in enumerate(kinds)]:
            future.result()
    return answers


def start_attacker(bases: list[str], plan: AttackPlan, log: IO[bytes]) -> subprocess.Popen[str]:
    """The attacker in a process of its own (so that it does not compete with the measured
    clients for the interpreter lock): it attacks until its standard input is closed, then
    prints its answers (JSON) on its standard output."""
    order = json.dumps({"bases": bases, "plan": asdict(plan)})
    return subprocess.Popen(
        [sys.executable, "-m", "regional.load", "attack", order],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
    )


def _attacker_main(order: str) -> None:
    """``python -m regional.load attack ORDER``: see :func:`start_attacker`."""
    given = json.loads(order)
    stop = threading.Event()

    def wait_for_the_end() -> None:
        sys.stdin.read()
        stop.set()

    threading.Thread(target=wait_for_the_end, daemon=True).start()
    answers = attack(given["bases"], AttackPlan(**given["plan"]), stop)
    print(json.dumps(answers))


def _guess(client: httpx.Client, kind: str, headers: dict[str, str]) -> str:
    """A guessed enrolment code (``enrol_guess``) or partner page token (``token_guess``)."""
    try:
        if kind == "enrol_guess":
            raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            code = "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))
            answer = client.post(f"{API_PREFIX}/enrol", json={"code": code}, headers=headers)
        else:
            answer = client.get(f"/r/{secrets.token_urlsafe(16)}", headers=headers)
    except httpx.TimeoutException:
        return "timeout"
    except httpx.TransportError:
        return "error"
    return str(answer.status_code)


def big_push_body(size: int) -> Iterator[bytes]:
    """``size`` bytes of the largest push there may be, made as they are sent.

    Valid JSON as long as ``size`` allows: up to ``MAX_PUSH_BATCH`` envelopes whose sealed
    copies have the most characters allowed, then spaces up to ``size`` (the most work for
    a server that reads and parses the body before it checks the token).
    """
    one = json.dumps(
        {
            "id": str(uuid.uuid4()),
            "entity_type": "person",
            "entity_id": str(uuid.uuid4()),
            "operation": "upsert",
            "base_version": 0,
            "version": 1,
            "content_hash": "0" * 64,
            "payload": "{}",
            "sealed": "A" * MAX_SEALED_CHARS,
            "created_at": "2026-11-29T10:00:00",
        }
    ).encode()
    head, tail = b'{"envelopes":[', b"]}"
    if size < len(head) + len(tail):
        yield b" " * size
        return
    count = min(MAX_PUSH_BATCH, (size - len(head) - len(tail) + 1) // (len(one) + 1))
    parts = itertools.chain(
        [head], itertools.islice(itertools.cycle([one, b","]), max(0, 2 * count - 1))
    )
    written = 0
    for part in parts:
        yield part
        written += len(part)
    spaces = size - written - len(tail)
    blank = b" " * _CHUNK
    while spaces > 0:
        yield blank[: min(spaces, _CHUNK)]
        spaces -= min(spaces, _CHUNK)
    yield tail


def big_push(base: str, size: int, budget_s: float, address: str) -> str:
    """A push under a made-up token declaring ``size`` bytes, its body streamed lazily.

    Sent as curl sends a large body: the headers with ``Expect: 100-continue``, then the
    body once the server says ``100 Continue`` or after a second of silence. Returns the
    status the server answered (``"413"``…), as soon as its status line comes (the server
    may answer before the body is sent, and close); ``"timeout"`` when none came within
    ``budget_s`` (the connection is then closed); ``"reset"`` or ``"closed"`` when the
    server dropped the connection without answering.
    """
    host, port = base.removeprefix("http://").rsplit(":", 1)
    head = (
        f"POST {PUSH_PATH} HTTP/1.1\r\nHost: {host}:{port}\r\n"
        f"Authorization: Bearer {secrets.token_urlsafe(32)}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {size}\r\n"
        f"X-Forwarded-For: {address}\r\nConnection: close\r\nExpect: 100-continue\r\n\r\n"
    ).encode()
    deadline = time.monotonic() + budget_s
    chunks = big_push_body(size)
    answer = b""
    try:
        with socket.create_connection((host, int(port)), timeout=budget_s) as connection:
            connection.sendall(head)
            if select.select([connection], [], [], min(1.0, budget_s))[0]:
                answer = connection.recv(_CHUNK)
                if _status(answer) not in ("", "100"):
                    return _status(answer)
                answer = answer.partition(b"\r\n\r\n")[2]  # past "100 Continue"
            connection.setblocking(False)
            pending = memoryview(b"")
            sending = True
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    return "timeout"
                readable, writable, _ = select.select(
                    [connection], [connection] if sending else [], [], min(left, 0.5)
                )
                if readable:
                    data = connection.recv(_CHUNK)
                    if not data:
                        return _status(answer) or "closed"
                    answer += data
                    if _status(answer):
                        return _status(answer)
                elif writable:
                    if not pending:
                        following = next(chunks, None)
                        if following is None:
                            sending = False
                            continue
                        pending = memoryview(following)
                    pending = pending[connection.send(pending) :]
    except (ConnectionResetError, BrokenPipeError):
        return _status(answer) or "reset"
    except OSError:
        return _status(answer) or "error"


def _status(answer: bytes) -> str:
    """The status code of a response whose status line has come, else ``""``."""
    line, found, _ = answer.partition(b"\r\n")
    if not found:
        return ""
    parts = line.split()
    return parts[1].decode("ascii", "replace") if len(parts) > 1 else "garbled"


def cpu_seconds(pid: int) -> float:
    """User and system CPU time a process has used so far, from ``/proc`` (0 once gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def memory_mb(pid: int, field_name: str) -> float:
    """A process's ``VmRSS`` or ``VmHWM`` (peak) in MiB, from ``/proc`` (0 once it is gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    found = re.search(rf"^{field_name}:\s+(\d+) kB", status, re.MULTILINE)
    return int(found.group(1)) / 1024 if found else 0.0


def _check_integrity(run: _Run, db_url: str) -> None:
    """Compare what the offices had acknowledged with what the database holds."""
    engine = make_engine(db_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                sql_select(
                    ReceivedEnvelope.id, ReceivedEnvelope.office_id, ReceivedEnvelope.entity_id
                )
            ).all()
    finally:
        engine.dispose()
    stored = {str(key): str(office) for key, office, _ in rows}
    per_entity = Counter(str(entity) for _, _, entity in rows)
    report = run.report
    report.sent = len(run.owner)
    report.acknowledged = len(run.acked)
    report.lost = sum(1 for key in run.acked if stored.get(key) != run.owner[key])
    report.unexpected = sum(1 for key in stored if key not in run.owner)
    report.duplicated = sum(n - 1 for n in per_entity.values() if n > 1)


def run_under_attack(db_url: str, plan: LoadPlan | None = None) -> LoadReport:
    """Run the mixed load and the attack on ``db_url`` (PostgreSQL or SQLite); the figures."""
    plan = plan or LoadPlan()
    with tempfile.TemporaryDirectory(prefix="baom-load-") as folder:
        logs = plan.log_dir or Path(folder)
        logs.mkdir(parents=True, exist_ok=True)
        with ExitStack() as stack:
            servers = []
            for number in range(plan.servers):
                log = stack.enter_context((logs / f"server-{number}.log").open("wb"))
                options = ("--forwarded-allow-ips", "127.0.0.1")
                process, base = start_server(db_url, folder, options, log)
                stack.callback(_stop, process)
                servers.append((process, base))
            run = _Run(plan, [base for _, base in servers])
            stack.callback(run.close)
            log = stack.enter_context((logs / "attacker.log").open("wb"))
            _drive(run, db_url, [process.pid for process, _ in servers], log)
        run.report.server_tracebacks = sum(
            path.read_text(errors="replace").count("Traceback")
            for path in logs.glob("server-*.log")
        )
        return run.report


def _drive(run: _Run, db_url: str, pids: list[int], log: IO[bytes]) -> None:
    """Enrol the offices, run everything until the offices are done, check the database
    (the attacker's errors go to ``log``)."""
    plan = run.plan
    identities = enrol_offices(db_url, run.bases, plan.offices)
    offices = [
        _Office(office_id, token, client_address(4, n), random.Random(plan.seed + n))
        for n, (office_id, token) in enumerate(identities)
    ]
    attacker = start_attacker(run.bases, plan.attack, log)
    try:
        started = time.monotonic()
        cpu_before = [cpu_seconds(pid) for pid in pids], time.process_time()
        with ThreadPoolExecutor(len(offices) + plan.partners + 2, "load") as pool:
            watchers: list[Future[None]] = [
                pool.submit(run.watch_memory, pids),
                pool.submit(run.probe_health),
                *(pool.submit(run.partner, n) for n in range(plan.partners)),
            ]
            deadline = started + plan.duration_s
            syncing = [pool.submit(run.office, office, deadline) for office in offices]
            try:
                for future in syncing:
                    future.result()
            finally:
                run.stop.set()
            for future in watchers:
                future.result()
        elapsed = run.report.duration_s = time.monotonic() - started
        servers = sum(cpu_seconds(pid) for pid in pids) - sum(cpu_before[0])
        run.report.servers_cpu_cores = servers / elapsed
        run.report.driver_cpu_cores = (time.process_time() - cpu_before[1]) / elapsed
        out, _ = attacker.communicate(timeout=plan.attack.big_push_budget_s + 60)
    finally:
        if attacker.poll() is None:
            attacker.kill()
            attacker.communicate()
    if attacker.returncode != 0:
        raise RuntimeError(f"the attacker failed (exit {attacker.returncode}): see its log")
    for key, count in json.loads(out).items():
        kind, answer = key.split(" ")
        run.report.attacker[answer] += count
        run.report.attacker_kinds[f"{kind}_{answer}"] += count
    for pid in pids:
        run.report.peak_rss_mb = max(run.report.peak_rss_mb, memory_mb(pid, "VmHWM"))
    _check_integrity(run, db_url)


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.kill()
    process.wait(timeout=10)


if __name__ == "__main__" and sys.argv[1:2] == ["attack"]:
    _attacker_main(sys.argv[2])
elif __name__ == "__main__":  # python -m regional.load DB_URL [SECONDS]
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else LoadPlan.duration_s
    result = run_under_attack(sys.argv[1], LoadPlan(duration_s=seconds))
    print(json.dumps({k: round(v, 1) for k, v in result.figures().items()}, indent=1))
    for bar in result.missed_bars():
        print(f"missed: {bar}", file=sys.stderr)
