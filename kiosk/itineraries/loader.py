"""Loading and checking the itinerary templates (``resources/itineraries/*.yaml``).

Everything is checked when loaded, as the intake form is: every text in the four
languages, every need and service category among the directory's, every document in the
documents catalogue (``documents.yaml``), every branch, path and condition known, every
deadline resting on a legal rule, and every legal rule citing a source and marked for
review by the office's legal partner. A mistake is an :class:`ItineraryDefinitionError`
naming the file and the entry, never a surprise at the desk.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from kiosk.forms.definition import LANGUAGES, Texts
from kiosk.forms.expressions import Expression, ExpressionError
from kiosk.forms.loader import load_form
from kiosk.itineraries.definition import (
    FACTS,
    REVIEW_STATES,
    REVIEWERS,
    Anchor,
    Branch,
    BranchPath,
    Deadline,
    Rule,
    ServiceKind,
    Source,
    Step,
    Template,
    pick,
)
from protocol.directory.profile import NEED_CATEGORIES, VISITOR_CATEGORIES

DOCUMENTS_FILE = "documents.yaml"
PRIORITIES = ("emergency", "urgent", "normal")
_KEY = re.compile(r"[a-z][a-z0-9_]{0,63}")
_TEMPLATE_KEYS = frozenset(
    {"id", "version", "need", "title", "summary", "propose_when", "anchor"}
    | {"sources", "rules", "branches", "steps"}
)
_STEP_KEYS = frozenset(
    {"key", "title", "purpose", "documents", "service", "days", "deadline", "branch"}
    | {"every_months", "rules"}
)
MAX_DAYS = 3650


class ItineraryDefinitionError(ValueError):
    """A template (or the documents catalogue) that cannot be used, naming the file and
    the entry at fault."""

    def __init__(self, problem: str, source: str, key: str | None = None) -> None:
        where = f"{source}, {key}" if key else source
        super().__init__(f"{where}: {problem}")
        self.problem = problem
        self.source = source
        self.key = key


class UnknownTemplate(LookupError):
    """No itinerary template has that id."""


@dataclass(frozen=True, eq=False)
class Catalogue:
    """The shipped templates and the documents they ask for."""

    templates: tuple[Template, ...]
    documents: Mapping[str, Texts]

    def template(self, template_id: str) -> Template:
        """The template ``template_id``; :class:`UnknownTemplate` when there is none."""
        for template in self.templates:
            if template.id == template_id:
                return template
        known = ", ".join(template.id for template in self.templates)
        raise UnknownTemplate(f"no itinerary template {template_id!r} (one of {known})")

    def for_need(self, need: str) -> tuple[Template, ...]:
        """The templates of a need."""
        return tuple(template for template in self.templates if template.need == need)

    def document(self, key: str, language: str) -> str:
        """A document's name in ``language``."""
        return pick(self.documents[key], language)


def _read(name: str) -> tuple[Any, str]:
    source = f"resources/itineraries/{name}"
    entry = resources.files("resources") / "itineraries" / name
    try:
        return yaml.safe_load(entry.read_text(encoding="utf-8")), source
    except yaml.YAMLError as error:
        raise ItineraryDefinitionError(f"is not valid YAML: {error}", source) from error


@cache
def load_catalogue() -> Catalogue:
    """Every shipped template, loaded and checked once, in file name order."""
    data, source = _read(DOCUMENTS_FILE)
    documents = _Checker(source).documents(data)
    folder = resources.files("resources") / "itineraries"
    names = sorted(
        entry.name
        for entry in folder.iterdir()
        if entry.name.endswith(".yaml") and entry.name != DOCUMENTS_FILE
    )
    templates = []
    for name in names:
        data, source = _read(name)
        templates.append(_Checker(source, documents).template(data, Path(name).stem))
    return Catalogue(tuple(templates), documents)


def parse_template(
    text: str, documents: Mapping[str, Texts], source: str = "<template>"
) -> Template:
    """A template from YAML text (a supervisor's edited copy, a test), checked against the
    documents catalogue ``documents``."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ItineraryDefinitionError(f"is not valid YAML: {error}", source) from error
    return _Checker(source, documents).template(data, None)


class _Checker:
    """Checks one file, raising errors that name it."""

    def __init__(self, source: str, documents: Mapping[str, Texts] | None = None) -> None:
        self.source = source
        self.known_documents = documents or {}

    def fail(self, problem: str, key: str | None = None) -> ItineraryDefinitionError:
        return ItineraryDefinitionError(problem, self.source, key)

    def key(self, value: Any, what: str, where: str | None = None) -> str:
        if not isinstance(value, str) or not _KEY.fullmatch(value):
            raise self.fail(f"{what} must be a lower-case identifier, not {value!r}", where)
        return value

    def mapping(self, value: Any, what: str, where: str | None = None) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(f"{what} must be a mapping", where)
        return value

    def known(self, data: Mapping[str, Any], allowed: frozenset[str], where: str) -> None:
        unknown = sorted(map(str, set(data) - allowed))
        if unknown:
            raise self.fail(f"unknown entries {unknown}", where)

    def texts(self, data: Any, what: str, where: str | None = None) -> Texts:
        """Texts in each of the four languages, none empty."""
        if not isinstance(data, dict):
            raise self.fail(f"{what} needs a text in each of {', '.join(LANGUAGES)}", where)
        missing = [language for language in LANGUAGES if language not in data]
        if missing:
            raise self.fail(f"{what} lacks the languages {missing}", where)
        for language, text in data.items():
            if language not in LANGUAGES:
                raise self.fail(f"{what} has an unknown language {language!r}", where)
            if not isinstance(text, str) or not text.strip():
                raise self.fail(f"{what} in {language!r} must be a non-empty text", where)
        return {language: " ".join(str(data[language]).split()) for language in LANGUAGES}

    def number(self, value: Any, what: str, where: str, low: int, high: int) -> int:
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise self.fail(f"{what} must be a whole number from {low} to {high}", where)
        return value

    def condition(self, source: Any, where: str) -> Expression:
        try:
            expression = Expression.parse(source)
        except ExpressionError as error:
            raise self.fail(str(error), where) from error
        if expression.uses_current:
            raise self.fail("a condition cannot use '.'", where)
        unknown = sorted(expression.names - FACTS)
        if unknown:
            raise self.fail(f"a condition reads unknown facts {unknown}; {sorted(FACTS)}", where)
        return expression

    def documents(self, data: Any) -> dict[str, Texts]:
        data = self.mapping(data, "the catalogue")
        self.known(data, frozenset({"documents"}), "the catalogue")
        entries = self.mapping(data.get("documents"), "'documents'")
        return {
            self.key(key, "a document's key"): self.texts(texts, "the document", str(key))
            for key, texts in entries.items()
        }

    def template(self, data: Any, stem: str | None) -> Template:
        data = self.mapping(data, "a template")
        self.known(data, _TEMPLATE_KEYS, "the template")
        template_id = self.key(data.get("id"), "'id'")
        if stem is not None and template_id != stem:
            raise self.fail(f"'id' must be the file's name ({stem!r})")
        version = self.number(data.get("version"), "'version'", "version", 1, 10_000)
        need = data.get("need")
        if need not in NEED_CATEGORIES:
            raise self.fail(f"'need' must be one of {', '.join(NEED_CATEGORIES)}", "need")
        sources = self.sources(data.get("sources"))
        rules = self.rules(data.get("rules") or {}, {source.key for source in sources})
        branches = self.branches(data.get("branches") or {})
        anchor = self.anchor(data["anchor"]) if data.get("anchor") is not None else None
        propose = data.get("propose_when")
        raw_steps = data.get("steps")
        if not isinstance(raw_steps, list) or not raw_steps:
            raise self.fail("'steps' must be a non-empty list")
        steps: list[Step] = []
        for position, raw in enumerate(raw_steps):
            step = self.step(raw, position, rules, branches, anchor)
            if any(other.key == step.key for other in steps):
                raise self.fail("two steps have this key", f"step {step.key!r}")
            steps.append(step)
        if rules and not any(step.stated_rules for step in steps):
            raise self.fail("its legal rules are stated by no step", "rules")
        return Template(
            id=template_id,
            version=version,
            need=need,
            titles=self.texts(data.get("title"), "the title"),
            summaries=self.texts(data.get("summary"), "the summary"),
            steps=tuple(steps),
            branches=tuple(branches.values()),
            sources=sources,
            rules=tuple(rules.values()),
            anchor=anchor,
            propose_when=self.condition(propose, "propose_when") if propose is not None else None,
            source=self.source,
        )

    def sources(self, data: Any) -> tuple[Source, ...]:
        if not isinstance(data, list) or not data:
            raise self.fail("'sources' must list what the template rests on", "sources")
        found: list[Source] = []
        for raw in data:
            raw = self.mapping(raw, "a source", "sources")
            self.known(raw, frozenset({"key", "title", "url"}), "sources")
            key = self.key(raw.get("key"), "a source's key", "sources")
            title, url = raw.get("title"), raw.get("url", "")
            if not isinstance(title, str) or not title.strip():
                raise self.fail("a source needs its title", f"source {key!r}")
            if not isinstance(url, str):
                raise self.fail("a source's url is a text", f"source {key!r}")
            if any(source.key == key for source in found):
                raise self.fail("two sources have this key", f"source {key!r}")
            found.append(Source(key, " ".join(title.split()), url.strip()))
        return tuple(found)

    def rules(self, data: Any, sources: set[str]) -> dict[str, Rule]:
        found: dict[str, Rule] = {}
        for key, raw in self.mapping(data, "'rules'", "rules").items():
            where = f"rule {key!r}"
            self.key(key, "a rule's key", where)
            raw = self.mapping(raw, "a rule", where)
            self.known(raw, frozenset({"text", "source", "where", "review"}), where)
            if raw.get("source") not in sources:
                raise self.fail("a legal rule cites one of the template's sources", where)
            review = self.mapping(raw.get("review"), "'review' ({by, status})", where)
            self.known(review, frozenset({"by", "status"}), where)
            if review.get("by") not in REVIEWERS:
                raise self.fail(f"a legal rule is reviewed by one of {sorted(REVIEWERS)}", where)
            if review.get("status") not in REVIEW_STATES:
                raise self.fail(f"a review's status is one of {REVIEW_STATES}", where)
            place = raw.get("where", "")
            if not isinstance(place, str):
                raise self.fail("'where' is a text (an article)", where)
            found[key] = Rule(
                key=key,
                texts=self.texts(raw.get("text"), "the rule", where),
                source=raw["source"],
                where=place.strip(),
                reviewer=review["by"],
                reviewed=review["status"] == "reviewed",
            )
        return found

    def branches(self, data: Any) -> dict[str, Branch]:
        found: dict[str, Branch] = {}
        for key, raw in self.mapping(data, "'branches'", "branches").items():
            where = f"branch {key!r}"
            self.key(key, "a branch's key", where)
            raw = self.mapping(raw, "a branch", where)
            self.known(raw, frozenset({"label", "default", "paths"}), where)
            paths: list[BranchPath] = []
            for path_key, path in self.mapping(raw.get("paths"), "'paths'", where).items():
                place = f"{where}, path {path_key!r}"
                self.key(path_key, "a path's key", place)
                path = self.mapping(path, "a path", place)
                self.known(path, frozenset({"label", "when"}), place)
                when = path.get("when")
                paths.append(
                    BranchPath(
                        path_key,
                        self.texts(path.get("label"), "the path's label", place),
                        self.condition(when, place) if when is not None else None,
                    )
                )
            if len(paths) < 2:
                raise self.fail("a branch has two paths at least", where)
            if raw.get("default") not in [path.key for path in paths]:
                raise self.fail("'default' must name one of its paths", where)
            labels = self.texts(raw.get("label"), "the branch's label", where)
            found[key] = Branch(key, labels, tuple(paths), raw["default"])
        return found

    def anchor(self, data: Any) -> Anchor:
        raw = self.mapping(data, "'anchor'", "anchor")
        self.known(raw, frozenset({"key", "label", "answer"}), "anchor")
        answer = raw.get("answer")
        if answer is not None:
            form = load_form("intake")
            if answer not in form.keys or form.field(answer).type != "date":
                raise self.fail("'answer' must be a date field of the intake form", "anchor")
        return Anchor(
            self.key(raw.get("key"), "the anchor's key", "anchor"),
            self.texts(raw.get("label"), "the anchor's label", "anchor"),
            answer,
        )

    def step(
        self,
        data: Any,
        position: int,
        rules: Mapping[str, Rule],
        branches: Mapping[str, Branch],
        anchor: Anchor | None,
    ) -> Step:
        raw = self.mapping(data, "a step", f"step {position + 1}")
        key = self.key(raw.get("key"), "a step's key", f"step {position + 1}")
        where = f"step {key!r}"
        self.known(raw, _STEP_KEYS, where)
        documents = raw.get("documents") or []
        if not isinstance(documents, list):
            raise self.fail("'documents' is a list of document keys", where)
        for document in documents:
            if document not in self.known_documents:
                raise self.fail(f"unknown document {document!r} (documents.yaml)", where)
        stated = raw.get("rules") or []
        if not isinstance(stated, list) or any(rule not in rules for rule in stated):
            raise self.fail("'rules' lists rules of the template", where)
        branch = None
        if raw.get("branch") is not None:
            branch_key, _, path_key = str(raw["branch"]).partition(".")
            if branch_key not in branches or path_key not in [
                path.key for path in branches[branch_key].paths
            ]:
                raise self.fail("'branch' is 'branch.path' of the template's branches", where)
            branch = (branch_key, path_key)
        every = raw.get("every_months")
        return Step(
            key=key,
            position=position,
            titles=self.texts(raw.get("title"), "the title", where),
            purposes=self.texts(raw.get("purpose"), "the purpose", where),
            documents=tuple(documents),
            service=self.service(raw["service"], where) if raw.get("service") else None,
            days=self.number(raw.get("days", 7), "'days'", where, 0, MAX_DAYS),
            deadline=self.deadline(raw["deadline"], rules, anchor, where)
            if raw.get("deadline") is not None
            else None,
            branch=branch,
            every_months=self.number(every, "'every_months'", where, 1, 120)
            if every is not None
            else None,
            rules=tuple(stated),
        )

    def service(self, data: Any, where: str) -> ServiceKind:
        raw = self.mapping(data, "'service'", where)
        self.known(raw, frozenset({"category", "eligible", "priority"}), where)
        if raw.get("category") not in NEED_CATEGORIES:
            raise self.fail("the service's category is a need category", where)
        eligible = raw.get("eligible")
        if eligible is not None and eligible not in VISITOR_CATEGORIES:
            raise self.fail(f"'eligible' is one of {', '.join(VISITOR_CATEGORIES)}", where)
        priority = raw.get("priority", "normal")
        if priority not in PRIORITIES:
            raise self.fail(f"'priority' is one of {', '.join(PRIORITIES)}", where)
        return ServiceKind(raw["category"], eligible, priority)

    def deadline(
        self, data: Any, rules: Mapping[str, Rule], anchor: Anchor | None, where: str
    ) -> Deadline:
        raw = self.mapping(data, "'deadline'", where)
        self.known(raw, frozenset({"days", "rule"}), where)
        if anchor is None:
            raise self.fail("a deadline counts from the template's anchor date", where)
        if raw.get("rule") not in rules:
            raise self.fail("a deadline rests on one of the template's legal rules", where)
        return Deadline(
            self.number(raw.get("days"), "the deadline", where, 0, MAX_DAYS), raw["rule"]
        )
