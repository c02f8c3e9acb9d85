"""DatePairing (dated play): a team in ``teams`` (empty = all) that plays on a ``first`` weekday
plays its next game on one of the ``then`` weekdays within ``within_days`` days, with nothing in
between (e.g. Saturday followed by Monday or Tuesday). A team without any later game is exempt.

For each team t and each ``first``-weekday slot s: ok(t, s) = (the first game of t in the slots
dated s+1..s+within_days is on a ``then`` weekday) or (t has no game after s). Hard: plays -> ok.
Soft deviation per team: the number of ``first``-weekday games that are not paired.
"""

from __future__ import annotations

from flextime.domain.constraints import DatePairing
from flextime.engine.families._common import penalty, team_name
from flextime.engine.variables import BuiltModel, Penalty


def add_date_pairing(built: BuiltModel, c: DatePairing) -> list[Penalty]:
    inst = built.instance
    m = built.model
    if not inst.dated:
        built.notes.append(f"{c.id}: date_pairing ignored (the season is not dated)")
        return []
    n_slots = built.n_slots
    out: list[Penalty] = []
    for t in built.teams(c.teams):
        unpaired = []
        for s, slot in enumerate(inst.slots):
            if slot.weekday != c.first:
                continue
            play = built.plays_lit(t, s)
            if isinstance(play, int) and play == 0:
                continue
            later = list(range(s + 1, n_slots))
            if not later:
                continue
            window = [o for o in later if (inst.slots[o].date - slot.date).days <= c.within_days]  # type: ignore[operator]
            # f_o: t plays in o (a follow-up weekday) and in no earlier non-follow-up slot of the window
            options = []
            for i, o in enumerate(window):
                if inst.slots[o].weekday not in c.then:
                    continue
                blockers = [built.plays_lit(t, w) for w in window[:i] if inst.slots[w].weekday not in c.then]
                options.append(built.new_and([built.plays_lit(t, o)] + [_neg(b) for b in blockers]))
            none_later = _neg(built.new_or([built.plays_lit(t, o) for o in later]))
            ok = built.new_or([*options, none_later], f"pair_ok_{c.id}_{t}_{s}")
            if c.hard:
                if isinstance(ok, int):
                    if ok == 0:
                        if isinstance(play, int):
                            built.infeasible(f"{c.id}: {team_name(built, t)} cannot pair slot {s}")
                        else:
                            m.add(play == 0)
                elif isinstance(play, int):
                    m.add(ok == 1)
                else:
                    m.add_implication(play, ok)
            else:
                unpaired.append(built.new_and([play, _neg(ok)], f"unpaired_{c.id}_{t}_{s}"))
        if unpaired:
            out.append(penalty(built, c, sum(unpaired), f"{c.display} [{team_name(built, t)}]"))
    return out


def _neg(lit):
    if isinstance(lit, int):
        return 1 - lit
    return lit.Not()
