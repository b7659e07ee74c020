"""Percentiles and the printed figures table."""

from __future__ import annotations

import math
from dataclasses import dataclass, field


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass
class Figures:
    """One row of the table: a name and its measured values, in print order."""

    name: str
    values: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def note(self, text: str) -> Figures:
        self.notes.append(text)
        return self


def summarise(name: str, samples: list[float], *, unit: str) -> Figures:
    if not samples:
        return Figures(name, {"result": "no samples"})
    return Figures(
        name,
        {
            "p50": f"{percentile(samples, 50):.1f} {unit}",
            "p95": f"{percentile(samples, 95):.1f} {unit}",
            "max": f"{max(samples):.1f} {unit}",
        },
    )


def render(rows: list[Figures]) -> str:
    width = max(len(r.name) for r in rows)
    lines = []
    for row in rows:
        values = "  ".join(f"{k} {v}" for k, v in row.values.items())
        lines.append(f"{row.name:<{width}}  {values}")
        lines.extend(f"{'':<{width}}    ({n})" for n in row.notes)
    return "\n".join(lines)
