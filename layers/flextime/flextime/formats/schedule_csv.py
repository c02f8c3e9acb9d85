"""schedule.csv: one row per game, columns exactly ``slot,date,home,away,venue``.

Team ids are the instance's ids; ``date`` is empty for abstract slots; ``venue`` is the venue id
(empty when the instance has no venues).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from flextime.domain import Game, Instance, Schedule
from flextime.formats.errors import InputError

COLUMNS = ("slot", "date", "home", "away", "venue")


def schedule_to_csv(instance: Instance, schedule: Schedule) -> str:
    """Render the schedule in slot order (then home, away)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for game in sorted(schedule.games, key=lambda g: (g.slot, g.home, g.away)):
        slot = instance.slots[game.slot] if game.slot < instance.n_slots else None
        day = slot.date.isoformat() if slot is not None and slot.date else ""
        venue = game.venue or instance.home_venue(game.home) or ""
        writer.writerow([game.slot, day, game.home, game.away, venue])
    return buffer.getvalue()


def read_schedule_csv(path: str | Path) -> Schedule:
    """Read a schedule.csv written by ``schedule_to_csv`` (or by hand with the same columns)."""
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(source, "file", exc.strerror or str(exc)) from exc
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in ("slot", "home", "away") if c not in (reader.fieldnames or [])]
    if missing:
        raise InputError(
            source, "line 1", f"missing column(s): {', '.join(missing)}; expected {','.join(COLUMNS)}"
        )
    games = []
    for line, row in enumerate(reader, start=2):
        try:
            slot = int(row["slot"])
        except (TypeError, ValueError):
            raise InputError(
                source, f"line {line}, column slot", f"not an integer: {row['slot']!r}"
            ) from None
        home, away = (row.get("home") or "").strip(), (row.get("away") or "").strip()
        if not home or not away:
            raise InputError(source, f"line {line}", "home and away are required")
        games.append(Game(home=home, away=away, slot=slot, venue=(row.get("venue") or "").strip() or None))
    return Schedule(games=games)
