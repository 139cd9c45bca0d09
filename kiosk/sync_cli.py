"""The ``baom enrol`` and ``baom sync`` commands: the sync client without a window.

``baom sync`` runs rounds on the schedule until stopped (for systemd or Task Scheduler);
``baom sync --once`` runs one round now and exits non-zero when it fails, with the reason
on stderr (and ``{"ok": false, "error": …}`` with ``--json``).

``baom sync resolve|resend|dismiss`` settle what sync set aside (``kiosk.sync.review``).
Like every ``baom`` command they act as the administrator at the command line (the
``system`` actor of the audit trail); a refusal is one line on stderr and exit 1.
"""

from __future__ import annotations

import argparse
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

from kiosk.cli_output import show, with_json
from kiosk.office import OfficeContext
from kiosk.sync.errors import NotEnrolled, ReviewError, SyncError
from protocol.errors import BundleError

ERRORS: tuple[type[Exception], ...] = (SyncError, BundleError, ReviewError)


def add_commands(commands: Any) -> None:
    """Register ``baom enrol`` and ``baom sync …`` on the top-level subparsers."""
    enrol = with_json(
        commands.add_parser("enrol", help="join the regional server with an enrolment code")
    )
    enrol.add_argument(
        "--server", help="the regional server's address (default: the sync.server_url setting)"
    )
    enrol.add_argument("--code", required=True, help="the single-use enrolment code")

    sync = with_json(commands.add_parser("sync", help="sync with the regional server"))
    sync.add_argument("--once", action="store_true", help="run one round now, then exit")
    actions = sync.add_subparsers(dest="action", metavar="ACTION")
    with_json(actions.add_parser("status", help="last success, pending, last error"))
    with_json(actions.add_parser("quarantined", help="envelopes the server refused"))
    with_json(actions.add_parser("conflicts", help="pulled changes set aside for review"))
    resolve = with_json(
        actions.add_parser("resolve", help="apply a set-aside change, or keep the office's")
    )
    resolve.add_argument("conflict", type=uuid.UUID, metavar="CONFLICT_ID")
    how = resolve.add_mutually_exclusive_group(required=True)
    how.add_argument("--apply", action="store_true", help="apply the change now")
    how.add_argument("--dismiss", action="store_true", help="keep the office's version")
    resolve.add_argument("--note", default="", help="why (required with --dismiss)")
    resend = with_json(
        actions.add_parser("resend", help="send a quarantined envelope again, as a new one")
    )
    resend.add_argument("envelope", type=uuid.UUID, metavar="ENVELOPE_ID")
    resend.add_argument("--note", default="", help="why (optional)")
    dismiss = with_json(
        actions.add_parser("dismiss", help="give up sending a quarantined envelope (kept)")
    )
    dismiss.add_argument("envelope", type=uuid.UUID, metavar="ENVELOPE_ID")
    dismiss.add_argument("--note", required=True, help="why")
    export = with_json(
        actions.add_parser("export-bundle", help="seal the pending envelopes in a file")
    )
    export.add_argument("out", type=Path)
    imported = with_json(
        actions.add_parser("import-bundle", help="apply a bundle made by the regional server")
    )
    imported.add_argument("file", type=Path)


def _status_text(status: dict[str, Any]) -> str:
    from kiosk.sync import rounds

    if not status["enrolled"]:
        return rounds.NOT_ENROLLED
    lines = [
        f"server: {status['server']}",
        f"last success: {status['last_success'] or 'never'}",
        f"pending: {status['pending']}, sent: {status['sent']}, "
        f"quarantined: {status['quarantined']}, conflicts: {status['conflicts']}",
    ]
    if status["last_error"]:
        lines.append(f"last error: {status['last_error']}")
    return "\n".join(lines)


def _once(args: argparse.Namespace, context: OfficeContext) -> int:
    from kiosk.sync import rounds

    interval = context.settings.minutes("sync.interval_minutes")
    result = rounds.sync_round(context.store, context.office_id, interval)
    if result.ok:
        push, pull = result.pushed, result.pulled
        show(
            args,
            result.as_json(),
            f"sync done: {push.sent} sent ({push.conflict} quarantined), "
            f"{pull.applied} changes received ({pull.conflicts} set aside)",
        )
        return 0
    if args.json:
        show(args, result.as_json(), "")
    print(f"baom: sync failed: {result.error}", file=sys.stderr)
    return 1


def _forever(args: argparse.Namespace, context: OfficeContext) -> int:
    """Rounds on the schedule until interrupted (the desk does the same in the background);
    the office is marked as worked on meanwhile (a restore waits for it to stop)."""
    from db.base import utcnow
    from kiosk.backups import working
    from kiosk.sync import rounds, state

    if not state.read_state(context.store).token:
        raise NotEnrolled(rounds.NOT_ENROLLED)
    with working(context.paths, "sync"):
        while True:
            if rounds.due(context.store):
                _once(args, context)
                sys.stdout.flush()
            planned = state.read_state(context.store).next_attempt_at
            wait = (planned - utcnow()) if planned is not None else timedelta(minutes=1)
            time.sleep(min(max(wait.total_seconds(), 1.0), 60.0))


def _review(args: argparse.Namespace, context: OfficeContext) -> int:
    """``baom sync resolve|resend|dismiss``, as the command's account (``args.actor``)."""
    from kiosk.sync import review

    store, actor = context.store, args.actor
    if args.action == "resolve" and args.apply:
        done = review.apply_conflict(store, actor, args.conflict, args.note)
        text = f"conflict {done.id}: the change was applied"
    elif args.action == "resolve":
        done = review.dismiss_conflict(store, actor, args.conflict, args.note)
        text = f"conflict {done.id}: the office keeps its version"
    elif args.action == "resend":
        done = review.resend_envelope(store, actor, args.envelope, args.note)
        text = f"envelope {done.id}: sent again as {done.resent_as} at the next sync"
    else:
        done = review.dismiss_envelope(store, actor, args.envelope, args.note)
        text = f"envelope {done.id}: dismissed (kept in the outbox)"
    show(args, done.as_json(), text)
    return 0


def run(args: argparse.Namespace, context: OfficeContext) -> int:
    """Run one ``baom enrol`` / ``baom sync`` command for the opened office.

    The HTTP client and the sync machinery load only now: other commands start without them
    (and the review commands, which need no server, without the HTTP client at all).
    """
    if getattr(args, "action", None) in ("resolve", "resend", "dismiss"):
        return _review(args, context)
    from kiosk.sync import rounds, state

    if args.command == "enrol":
        server = args.server or str(context.settings.get("sync.server_url"))
        if not server:
            raise NotEnrolled("give the regional server's address: baom enrol --server URL")
        answer = rounds.enrol(context.store, context.office_id, server, args.code)
        context.settings.set(args.actor, "sync.server_url", server)
        value = {"office_id": str(answer.office_id), "name": answer.name, "server": server}
        show(args, value, f"enrolled as {answer.name} ({answer.office_id}) with {server}")
        return 0
    if args.action is None:
        return _once(args, context) if args.once else _forever(args, context)
    if args.action == "status":
        status = state.status(context.store)
        show(args, status, _status_text(status))
    elif args.action == "quarantined":
        rows = state.quarantined(context.store)
        show(args, rows, "\n".join(f"{r['entity_type']} {r['id']}: {r['error']}" for r in rows))
    elif args.action == "conflicts":
        rows = state.conflicts(context.store)
        show(
            args,
            rows,
            "\n".join(f"{r['entity_type']} {r['entity_id']}: {r['reason']}" for r in rows),
        )
    elif args.action == "export-bundle":
        from kiosk.sync.bundles import export_bundle

        report = export_bundle(context.store, args.out)
        show(args, report, f"{report['envelopes']} envelopes sealed in {args.out}")
    else:
        from kiosk.sync.bundles import import_bundle

        report = import_bundle(context.store, context.office_id, args.file)
        show(args, report, f"{report['applied']} changes applied from {args.file}")
    return 0
