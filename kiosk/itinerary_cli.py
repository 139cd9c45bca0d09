"""The ``baom itinerary`` commands: the référentiel's templates, and what practice teaches.

``list`` and ``show`` read the shipped templates (``resources/itineraries``); ``stats``
reads the office's cases for one template (counts and days, no person:
``kiosk.itineraries.learning``). Applying a template to a case and ticking its steps are
``baom case itinerary`` and ``baom case step-done`` (``kiosk.cases_cli``).
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from db.base import utcnow
from kiosk.cases.errors import CaseWorkError
from kiosk.cli_output import show, with_json
from kiosk.itineraries.definition import Template
from kiosk.itineraries.loader import ItineraryDefinitionError, load_catalogue
from kiosk.itineraries.views import step_texts
from kiosk.office import OfficeContext
from kiosk.settings import LANGUAGE_CODES

ERRORS: tuple[type[Exception], ...] = (CaseWorkError, ItineraryDefinitionError)


def add_commands(commands: Any) -> None:
    """Register ``baom itinerary list|show|stats``."""
    itinerary = commands.add_parser(
        "itinerary", help="the itinerary templates (the référentiel) and how long steps take"
    )
    actions = itinerary.add_subparsers(dest="action", required=True)
    listing = with_json(actions.add_parser("list", help="the templates, each with its steps"))
    listing.add_argument("--need", help="only the templates of this need")
    shown = with_json(actions.add_parser("show", help="one template: steps, branches, sources"))
    shown.add_argument("template", help="a template id ('baom itinerary list')")
    figures = with_json(
        actions.add_parser(
            "stats", help="how long each step really takes and where cases stall (this office)"
        )
    )
    figures.add_argument("template", help="a template id ('baom itinerary list')")
    for parser in (listing, shown, figures):
        parser.add_argument("--lang", default="fr", choices=LANGUAGE_CODES, help="texts' language")


def template_json(template: Template, language: str = "fr") -> dict[str, Any]:
    """A template as ``baom itinerary show --json`` prints it, its texts in ``language``."""
    catalogue = load_catalogue()
    return {
        "id": template.id,
        "version": template.version,
        "need": template.need,
        "title": template.title(language),
        "summary": template.summary(language),
        "propose_when": template.propose_when.source if template.propose_when else None,
        "anchor": (
            {"key": template.anchor.key, "answer": template.anchor.answer}
            if template.anchor
            else None
        ),
        "sources": [
            {"key": source.key, "title": source.title, "url": source.url}
            for source in template.sources
        ],
        "rules": [
            {
                "rule": rule.key,
                "text": rule.text(language),
                "source": rule.source,
                "where": rule.where,
                "review": {
                    "by": rule.reviewer,
                    "status": "reviewed" if rule.reviewed else "pending",
                },
            }
            for rule in template.rules
        ],
        "branches": [
            {
                "branch": branch.key,
                "default": branch.default,
                "paths": [
                    {
                        "path": path.key,
                        "label": path.labels.get(language) or path.labels["fr"],
                        "when": path.when.source if path.when else None,
                    }
                    for path in branch.paths
                ],
            }
            for branch in template.branches
        ],
        "steps": [
            {
                "key": step.key,
                **step_texts(catalogue, template, step.key, language),
                "days": step.days,
                "deadline": (
                    {"days": step.deadline.days, "rule": step.deadline.rule}
                    if step.deadline
                    else None
                ),
                "branch": ".".join(step.branch) if step.branch else None,
            }
            for step in template.steps
        ],
    }


def _stats_text(figures: dict[str, Any]) -> str:
    counts = figures["itineraries"]
    lines = [
        f"{figures['template']}: {figures['title']}",
        f"{counts['started']} started, {counts['active']} active, {counts['ended']} ended, "
        f"{counts['met']} met, {counts['not_met']} not met",
    ]
    for step in figures["steps"]:
        median = "-" if step["median_days"] is None else f"{step['median_days']:g}"
        lines.append(
            f"  {step['step']}: {step['done']} done, {step['skipped']} skipped, median "
            f"{median} days (typical {step['typical_days']}), {step['waiting']} waiting "
            f"({step['overdue']} overdue), {step['stalled']} ended unmet here"
        )
    return "\n".join(lines)


def run(args: argparse.Namespace, context: OfficeContext) -> int:
    """Run one ``baom itinerary`` command."""
    from kiosk.itineraries.casework import find_template
    from kiosk.itineraries.learning import read_template_stats

    if args.action == "list":
        templates = [
            template
            for template in load_catalogue().templates
            if args.need is None or template.need == args.need
        ]
        answer = [
            {
                "id": template.id,
                "need": template.need,
                "title": template.title(args.lang),
                "version": template.version,
                "steps": [step.key for step in template.steps],
                "review_pending": len(template.pending_review),
            }
            for template in templates
        ]
        lines = [f"{t['id']:<22} {t['need']:<26} {t['title']}" for t in answer]
        show(args, answer, "\n".join(lines))
        return 0
    if args.action == "show":
        shown = template_json(find_template(args.template), args.lang)
        show(args, shown, json.dumps(shown, ensure_ascii=False, indent=2))
        return 0
    figures = read_template_stats(context, args.template, utcnow(), args.lang)
    show(args, figures, _stats_text(figures))
    return 0
