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
