"""The density plan: how much each part of a draft says, and the ladder of plans length fitting climbs."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Plan:
    """How much each part of a draft says; templates read these to decide counts."""

    level: int
    subpoints: int  # sub-points (一要…) per section, 2–5
    body: int  # body sentences after each sub-point head, 1–8
    intro: int  # sentences introducing each section, 0–2
    extra: int  # additional sentences in opening, situation and closing, 0–3
    thin: float = 0.0  # share of groups given one item fewer, spread evenly

    def thinned(self, n: int, call: int, floor: int = 1) -> int:
        """Items for the ``call``-th group: ``n``, or one fewer (never below ``floor``) for an evenly
        spread share of the groups; fills the gap between two ladder levels a sentence at a time."""
        if self.thin and n > floor and int((call + 1) * self.thin) > int(call * self.thin):
            return n - 1
        return n


THIN = [i / 8 for i in range(1, 8)]

# A monotone ladder from the shortest to the longest draft a pack can give.
LADDER = [Plan(i, *v) for i, v in enumerate([
    (2, 1, 0, 0), (2, 1, 1, 0), (2, 2, 1, 0), (3, 1, 1, 0), (3, 2, 1, 0), (3, 2, 1, 1), (3, 3, 1, 1),
    (4, 2, 1, 1), (4, 3, 1, 1), (4, 3, 2, 2), (4, 4, 2, 2), (4, 5, 2, 2), (4, 6, 2, 3), (4, 7, 2, 3),
    (4, 8, 2, 3), (4, 9, 2, 3), (4, 10, 2, 3), (5, 8, 2, 3), (5, 10, 3, 3),
])]


_FIELDS = frozenset(("level", "subpoints", "body", "intro", "extra", "thin"))


class RecordedPlan(Plan):
    """A Plan that writes down every question a render asks of it: each field read with its value, each
    ``thinned`` call with its answer. A render is a function of its config, seed, pools and these answers
    alone (the chooser's randomness is seeded per render), so a render for another plan that answers every
    recorded question the same way would take the same path and write the same draft: length fitting uses
    that to skip renders of ladder steps the template cannot tell apart (a pack that never reads ``intro``,
    a ``thin`` share that thins no group)."""

    def __init__(self, plan: Plan, questions: list) -> None:
        super().__init__(plan.level, plan.subpoints, plan.body, plan.intro, plan.extra, plan.thin)
        object.__setattr__(self, "_plain", plan)
        object.__setattr__(self, "_questions", questions)  # private: a sandboxed template cannot read it

    def __getattribute__(self, name: str):
        value = object.__getattribute__(self, name)
        if name in _FIELDS:
            object.__getattribute__(self, "_questions").append((name, (), value))
        return value

    def thinned(self, n: int, call: int, floor: int = 1) -> int:
        plain: Plan = object.__getattribute__(self, "_plain")
        answer = plain.thinned(n, call, floor)
        object.__getattribute__(self, "_questions").append(("thinned", (n, call, floor), answer))
        return answer

    def __repr__(self) -> str:
        for name in sorted(_FIELDS):
            getattr(self, name)  # recorded: the text shows them all
        return repr(object.__getattribute__(self, "_plain"))


def same_answers(plan: Plan, questions) -> bool:
    """Whether ``plan`` answers each of a render's recorded ``questions`` (RecordedPlan) as it was answered."""
    for name, args, answer in questions:
        value = getattr(plan, name)
        if (value(*args) if args else value) != answer:
            return False
    return True
