"""The report's pieces every benchmark shares: a table (`Figure`), one benchmark's result
(`Result`), and the backends' names as the tables print them.

Its own module so that bench/run.py (which collects the results) and the benchmarks
(which make the figures) both import it, and neither imports the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field

BACKEND_TITLE = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


@dataclass
class Figure:
    """One table of the report: a title, column heads, rows of cells, notes under it."""

    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def markdown(self) -> str:
        """The table as Markdown (a bold title line, the table, then the notes)."""
        out = [f"**{self.title}**", ""]
        out.append("| " + " | ".join(self.columns) + " |")
        out.append("|" + "---|" * len(self.columns))
        out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in self.rows]
        if self.notes:
            out.append("")
            out += [f"- {n}" for n in self.notes]
        return "\n".join(out)


def _cell(value) -> str:
    if isinstance(value, float):
        return f"{value:.2f}" if abs(value) < 100 else f"{value:,.0f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


@dataclass
class Result:
    """What one benchmark produced: figures, free Markdown, or the error it failed with."""

    name: str
    title: str
    figures: list[Figure] = field(default_factory=list)
    text: str = ""
    error: str = ""
    seconds: float = 0.0
    load: tuple[float, float] = (0.0, 0.0)
    raw: object = None

    def markdown(self) -> str:
        """The benchmark's subsection."""
        head = (
            f"### {self.title}\n\n_{self.seconds:.0f} s; load average {self.load[0]:.1f} "
            f"before, {self.load[1]:.1f} after_"
        )
        parts = [head, *(f.markdown() for f in self.figures)]
        if self.text:
            parts.append(self.text.strip())
        if self.error:
            parts.append(f"**FAILED**: `{self.error}`")
        return "\n\n".join(parts)


def yes_no(met: bool) -> str:
    """A goal column's cell: yes, or a bold NO that stands out in the table."""
    return "yes" if met else "**NO**"
