"""A report table's building blocks, shared by every output (HTML, CSV, PDF, XLSX): ``Cell``, ``Row``,
``Table``, and ``make_table``, which blanks the cells a publication hides."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from asye.web.formats import money
from reporting.disclosure import SUPPRESSED

COUNT, PERCENT, CHANGE, MONEY, SCORE = "count", "percent", "change", "money", "score"
TEXT = "text"  # a figure already written out (a regression's odds ratio and interval)


@dataclass(frozen=True)
class Cell:
    value: int | float | Decimal | None
    kind: str = COUNT
    hidden: bool = False  # a publication hides it (on a published table, ``value`` is then None)

    @property
    def display(self) -> str:
        if self.value is None:
            return SUPPRESSED if self.hidden else ""
        if self.kind == TEXT:
            return str(self.value)
        if self.kind == PERCENT:
            return f"{self.value}%"
        if self.kind == CHANGE:
            return f"{self.value:+,}"
        if self.kind == MONEY:
            return money(self.value)  # GOV.UK style, one helper for every page (asye.web.formats)
        if self.kind == SCORE:
            return f"{self.value:.1f}"
        return f"{self.value:,}"

    @property
    def plain(self) -> str:
        """For CSV and the workbook: no thousands separators or symbols."""
        if self.value is None:
            return SUPPRESSED if self.hidden else ""
        return str(self.value)


@dataclass(frozen=True)
class Row:
    label: str
    cells: list[Cell]
    is_total: bool = False


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    row_header: str
    columns: list[str]
    rows: list[Row]
    published: bool
    note: str = ""
    hidden_cells: list[dict] = field(default_factory=list)

    @property
    def has_hidden(self) -> bool:
        return bool(self.hidden_cells)


def make_table(key, title, row_header, columns, rows, *, published, note="") -> Table:
    """``rows`` are ``(label, [Cell], is_total)``; hidden cells lose their value when ``published``."""
    built, hidden_cells = [], []
    for label, cells, is_total in rows:
        out = []
        for column, cell in zip(columns, cells, strict=True):
            if cell.hidden:
                hidden_cells.append({"row": label, "column": column})
            out.append(Cell(None, cell.kind, True) if cell.hidden and published else cell)
        built.append(Row(label, out, is_total))
    return Table(key, title, row_header, columns, built, published, note, hidden_cells)
