"""XLSX export of a schedule: a ``schedule`` sheet (one row per game), a ``grid`` sheet (team x
slot, opponent with ``@`` for away games, as schedulers read a season) and a ``teams`` sheet."""

from __future__ import annotations

import io
from collections.abc import Mapping

from flextime.domain import Instance, Schedule


def schedule_to_xlsx(
    instance: Instance, schedule: Schedule, *, tv: Mapping[tuple[str, str, int], str] | None = None
) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    bold = Font(bold=True)
    book = Workbook()
    ws = book.active
    ws.title = "schedule"
    ws.append(["slot", "date", "weekday", "home", "away", "venue", "tv"])
    games = sorted(schedule.games, key=lambda g: (g.slot, g.home, g.away))
    for g in games:
        slot = instance.slots[g.slot]
        ws.append(
            [g.slot, slot.date, slot.weekday or "", g.home, g.away,
             g.venue or instance.home_venue(g.home) or "", (tv or {}).get((g.home, g.away, g.slot), "")]
        )  # fmt: skip
    for cell in ws["B"][1:]:
        cell.number_format = "yyyy-mm-dd"
    for cell in ws[1]:
        cell.font = bold
    ws.freeze_panes = "A2"

    grid = book.create_sheet("grid")
    grid.append(
        ["team", *[s.date.isoformat() if s.date else (s.label or str(s.index)) for s in instance.slots]]
    )
    cells: dict[tuple[str, int], str] = {}
    for g in games:
        cells[(g.home, g.slot)] = g.away
        cells[(g.away, g.slot)] = f"@{g.home}"
    away_fill = PatternFill("solid", fgColor="DDEBF7")
    for r, team in enumerate(instance.team_ids, start=2):
        grid.append([team, *[cells.get((team, s.index), "") for s in instance.slots]])
        for c in grid[r][1:]:
            c.alignment = Alignment(horizontal="center")
            if isinstance(c.value, str) and c.value.startswith("@"):
                c.fill = away_fill
    for cell in grid[1]:
        cell.font = bold
    grid.freeze_panes = "B2"

    teams = book.create_sheet("teams")
    teams.append(["code", "name", "venue", "timezone"])
    for t in instance.teams:
        venue = instance.venue_by_id.get(t.venue or "")
        teams.append([t.id, t.name, t.venue or "", t.timezone or (venue.timezone if venue else "")])
    for cell in teams[1]:
        cell.font = bold
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
