"""What an itinerary template is: steps, branches and their paths, sources and legal rules.

A :class:`Template` is read and checked by :mod:`kiosk.itineraries.loader`; everything here
is plain, immutable data with the few questions the rest asks of it (the path a case
takes, a step by its key, a text in a language).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from kiosk.forms.definition import REFERENCE_LANGUAGE, Texts
from kiosk.forms.expressions import Expression

FACTS = frozenset({"anchor.days", "person.category", "person.sex", "person.age"})
"""What a branch's condition (``when``) may read of a case: ``anchor.days``, the whole days
from the template's anchor date (a child's birth) to today on the office's clock (none
without an anchor date); the person's category, sex, and age in years (none when the
birth year is unknown)."""
REVIEWERS = frozenset({"legal_partner"})
"""Who checks a legal rule a template states: the office's legal partner."""
REVIEW_STATES = ("pending", "reviewed")


def pick(texts: Texts, language: str) -> str:
    """``texts`` in ``language``, else in French."""
    return texts.get(language) or texts.get(REFERENCE_LANGUAGE) or ""


@dataclass(frozen=True)
class Source:
    """A text a template rests on: a law, a decree, a circular, an official page."""

    key: str
    title: str
    url: str = ""


@dataclass(frozen=True)
class Rule:
    """A legal rule a template states, with its source, marked for review by the office's
    legal partner (``reviewed`` once they checked it)."""

    key: str
    texts: Texts
    source: str
    where: str
    reviewer: str
    reviewed: bool

    def text(self, language: str) -> str:
        """The rule in ``language`` (French as fallback)."""
        return pick(self.texts, language)


@dataclass(frozen=True)
class BranchPath:
    """One way through a branch: its label, and the condition that takes it (none: only the
    officer's choice, or the branch's default, does)."""

    key: str
    labels: Texts
    when: Expression | None = None


@dataclass(frozen=True)
class Branch:
    """A point where the itinerary goes one way or another."""

    key: str
    labels: Texts
    paths: tuple[BranchPath, ...]
    default: str

    def path(self, key: str) -> BranchPath:
        """The path ``key`` (``KeyError`` when it has none)."""
        for path in self.paths:
            if path.key == key:
                return path
        raise KeyError(key)

    def resolve(self, facts: Mapping[str, object], chosen: str | None = None) -> str:
        """The path taken: the officer's choice, else the first whose condition holds, else
        the default."""
        if chosen is not None and any(path.key == chosen for path in self.paths):
            return chosen
        for path in self.paths:
            if path.when is not None and path.when.holds(facts):
                return path.key
        return self.default


@dataclass(frozen=True)
class ServiceKind:
    """The partner service a step refers to: a directory category, who it must be open to
    (``None``: the person's own category) and the referral's usual priority."""

    category: str
    eligible: str | None = None
    priority: str = "normal"

    def as_json(self) -> dict[str, str | None]:
        """The kind of service as JSON (``{"category", "eligible", "priority"}``)."""
        return {"category": self.category, "eligible": self.eligible, "priority": self.priority}


@dataclass(frozen=True)
class Deadline:
    """A legal deadline: ``days`` after the template's anchor date, by ``rule``."""

    days: int
    rule: str


@dataclass(frozen=True)
class Step:
    """One step: what it is for, what to bring, whom to refer to, how long it usually
    takes (``days``, counted from the step before), its legal deadline, the branch path it
    belongs to (``(branch, path)``; ``None``: every path), whether it comes back every
    ``every_months`` once done, and the legal rules it states."""

    key: str
    position: int
    titles: Texts
    purposes: Texts
    documents: tuple[str, ...] = ()
    service: ServiceKind | None = None
    days: int = 7
    deadline: Deadline | None = None
    branch: tuple[str, str] | None = None
    every_months: int | None = None
    rules: tuple[str, ...] = ()

    def title(self, language: str) -> str:
        """The step's title in ``language``."""
        return pick(self.titles, language)

    def purpose(self, language: str) -> str:
        """What the step is for, in ``language``."""
        return pick(self.purposes, language)

    @property
    def repeats(self) -> bool:
        """Whether the step comes back once done (a yearly proof of life)."""
        return self.every_months is not None

    @property
    def stated_rules(self) -> tuple[str, ...]:
        """Every legal rule the step states, its deadline's first."""
        first = (self.deadline.rule,) if self.deadline else ()
        return tuple(dict.fromkeys((*first, *self.rules)))


@dataclass(frozen=True)
class Anchor:
    """The date a template's deadlines count from, and the intake answer that gives it."""

    key: str
    labels: Texts
    answer: str | None = None


@dataclass(frozen=True, eq=False)
class Template:
    """A checked itinerary template: the path of one need, versioned like the intake form."""

    id: str
    version: int
    need: str
    titles: Texts
    summaries: Texts
    steps: tuple[Step, ...]
    branches: tuple[Branch, ...] = ()
    sources: tuple[Source, ...] = ()
    rules: tuple[Rule, ...] = ()
    anchor: Anchor | None = None
    propose_when: Expression | None = None
    source: str = ""

    def title(self, language: str) -> str:
        """The template's title in ``language``."""
        return pick(self.titles, language)

    def summary(self, language: str) -> str:
        """What the itinerary leads to, in ``language``."""
        return pick(self.summaries, language)

    def step(self, key: str) -> Step:
        """The step ``key`` (``KeyError`` when there is none)."""
        for step in self.steps:
            if step.key == key:
                return step
        raise KeyError(key)

    def has_step(self, key: str) -> bool:
        """Whether the template has a step ``key``."""
        return any(step.key == key for step in self.steps)

    def branch(self, key: str) -> Branch:
        """The branch ``key`` (``KeyError`` when there is none)."""
        for branch in self.branches:
            if branch.key == key:
                return branch
        raise KeyError(key)

    def rule(self, key: str) -> Rule:
        """The legal rule ``key`` (``KeyError`` when there is none)."""
        for rule in self.rules:
            if rule.key == key:
                return rule
        raise KeyError(key)

    def source_of(self, rule: Rule) -> Source:
        """The source a rule cites."""
        return next(source for source in self.sources if source.key == rule.source)

    def resolve(self, facts: Mapping[str, object], choices: Mapping[str, str]) -> dict[str, str]:
        """The path taken at each branch, given the case's facts and the officer's choices."""
        return {b.key: b.resolve(facts, choices.get(b.key)) for b in self.branches}

    def path(self, taken: Mapping[str, str]) -> tuple[Step, ...]:
        """The steps on the paths ``taken`` (branch → path), in order."""
        return tuple(
            step
            for step in self.steps
            if step.branch is None or taken.get(step.branch[0]) == step.branch[1]
        )

    @property
    def pending_review(self) -> tuple[Rule, ...]:
        """The legal rules the legal partner has not checked yet."""
        return tuple(rule for rule in self.rules if not rule.reviewed)
