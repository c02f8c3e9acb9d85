"""anneal: simulated annealing outside CP-SAT as an improvement (and last-resort feasibility) phase.

For compact double round robins whose rules are all ITC2021 families (:func:`applies`), the
incumbent's games go to the annealing kernel (:mod:`flextime.engine.anneal`), which makes millions
of TTSA moves (swap homes, rounds, teams, partial swaps) with incrementally costed rules, where a
CP-SAT LNS step makes one. Its best feasible schedule comes back through the full model
(:func:`complete_from_games`: propagation fills every helper variable), so what the session keeps is
a solution of the model whose objective the validator computes.

Measured on ITC2021 Early_1 (docs/strategies.md, session 4): from the annealer's own first schedule,
1968 -> 1083 in 120 s, where 300 s of CP-SAT LNS reached 1717.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from flextime.domain.model import Instance
from flextime.engine.anneal import search
from flextime.engine.anneal.encode import Encoded, encodable, encode
from flextime.engine.anneal.search import Games
from flextime.engine.strategies._base import Session, complete_from_games, games_of
from flextime.engine.variables import BuiltModel

NAME = "anneal"


def applies(instance: Instance) -> list[str]:
    """Why the annealer cannot take ``instance`` (empty: it can)."""
    why = encodable(instance)
    if instance.objective.travel_weight:
        why.append("travel in the objective (the annealer does not cost travel)")
    return why


def improve(
    session: Session,
    built: BuiltModel,
    seconds: float,
    *,
    seed: int,
    stats: dict[str, Any],
    cycle_seconds: float = 30.0,
    w_hard: float = 50.0,
    oscillate: float = 0.1,
    chains: int = 1,
    start: Games | None = None,
) -> bool:
    """Anneal from the session's incumbent (or from the feasible schedule ``start``) for ``seconds``
    in ``chains`` independent chains (one thread each: the kernel releases the GIL); offers the best
    feasible schedule found (True when it is better than the incumbent and was kept)."""
    if session.best is None or seconds <= 0.5:
        return False
    enc = encode(built.instance)
    before = session.best.objective
    games = start if start is not None else games_of(built, session.best.values)
    S0 = search.games_to_S(games, enc.n, enc.R)

    def chain(k: int) -> search.AnnealOutcome:
        return search.anneal(
            enc,
            S0,
            seconds,
            seed=seed + 7919 * k,
            w_hard=w_hard,
            oscillate=oscillate,
            cycle_seconds=min(cycle_seconds, max(1.0, seconds / 3)),
        )

    probe = search.State(enc, S0)
    stats["anneal_start"] = {"hard": probe.hard, "soft": probe.soft}
    if probe.hard or (start is None and probe.soft != before):
        # the encoding disagrees with the model: never replace the incumbent on that basis
        stats["anneal_skipped"] = "the encoded costs of the incumbent differ from the model's"
        return False
    with ThreadPoolExecutor(max_workers=max(1, chains), thread_name_prefix="flextime-anneal") as pool:
        outs = list(pool.map(chain, range(max(1, chains))))
    feasible = [o for o in outs if o.soft is not None]
    out = min(feasible, key=lambda o: o.soft or 0) if feasible else outs[0]
    stats.update(
        {
            "anneal_chains": len(outs),
            "anneal_moves": sum(o.moves for o in outs),
            "anneal_accepted": sum(o.accepted for o in outs),
            "anneal_cycles": out.cycles,
            "anneal_seconds": round(max(o.seconds for o in outs), 1),
            "anneal_from": before,
            "anneal_to": [o.soft for o in outs],
            "anneal_trace": out.trace[-6:],
        }
    )
    if out.feasible is None or out.soft is None or out.soft >= before:
        return False
    kept = complete_from_games(session, built, out.feasible, max(1.0, session.remaining()))
    stats["anneal_kept"] = kept
    return kept and session.best.objective < before


# The feasibility mode's chains (plan parameter ``anneal_feasibility``: one settings dict per chain,
# reused round-robin when there are more chains): a narrow temperature band (0.7 -> 0.3: the hard
# deviations fall fastest around 0.3, below it the chains freeze) and breakout weights (after every
# chunk of moves each hard rule still broken weighs one more). The first chain keeps the phases
# (phased swap only), the second may cross them. Measured on Early_6 (docs/strategies.md, session 6):
# without weights 10-13 deviations left after 30-60 s (4 seeds); with them feasible at 33 s and 126 s
# (seeds 1, 2). On Early_4, 5 and 10 neither setting finds a schedule.
PHASED_ONLY = (0.2, 0.1, 0.1, 0.3, 0.3, 0.0)
ChainSettings = list[dict[str, Any]] | tuple[dict[str, Any], ...]  # keyword arguments of search.anneal
FEASIBILITY_CHAINS: ChainSettings = (
    {"t_start": 0.7, "t_end": 0.3, "bump": 1, "move_weights": PHASED_ONLY},
    {"t_start": 0.7, "t_end": 0.3, "bump": 1, "move_weights": search.MOVE_WEIGHTS},
)


def feasible_schedule(
    enc: Encoded,
    seconds: float,
    *,
    seed: int,
    stats: dict[str, Any],
    settings: ChainSettings = FEASIBILITY_CHAINS,
    chains: int = 1,
) -> Games | None:
    """The annealer's feasibility mode (hard deviations only) from random double round robins, in
    ``chains`` threads (chain k: its own seed and ``settings[k % len(settings)]``, keyword arguments
    of :func:`search.anneal`); the first schedule without violations stops the others."""
    chains = max(1, chains)
    kws = [dict(settings[k % len(settings)]) for k in range(chains)] if settings else [{}] * chains
    stop = threading.Event()

    def chain(k: int) -> search.AnnealOutcome:
        s = seed + 7919 * k
        kw = {**kws[k], "move_weights": tuple(kws[k].get("move_weights", search.MOVE_WEIGHTS))}
        return search.anneal(
            enc, search.random_start(enc, s), seconds, seed=s, feasibility=True, stop=stop, **kw
        )

    with ThreadPoolExecutor(max_workers=chains, thread_name_prefix="flextime-anneal") as pool:
        outs = list(pool.map(chain, range(chains)))
    out = min(outs, key=lambda o: o.best_hard)
    stats.update(
        {
            "anneal_feasibility_chains": len(outs),
            "anneal_feasibility_moves": sum(o.moves for o in outs),
            "anneal_feasibility_best_hard": [o.best_hard for o in outs],
            "anneal_feasibility_seconds": [round(o.seconds, 1) for o in outs],
        }
    )
    return out.feasible


def find_feasible(session: Session, built: BuiltModel, seconds: float, **kw: Any) -> bool:
    """:func:`feasible_schedule` (keyword arguments ``kw``) on ``built``'s instance; offers the
    schedule it finds."""
    games = feasible_schedule(encode(built.instance), seconds, **kw)
    if games is None:
        return False
    return complete_from_games(session, built, games, max(1.0, session.remaining()))


def fresh_start(
    session: Session,
    built: BuiltModel,
    seconds: float,
    *,
    seed: int,
    stats: dict[str, Any],
    feasibility_fraction: float = 0.5,
    settings: ChainSettings = FEASIBILITY_CHAINS,
    chains: int = 1,
    **improve_kw: Any,
) -> bool:
    """Another basin: a new feasible schedule from the feasibility mode (at most
    ``feasibility_fraction`` of ``seconds``), annealed for the rest of ``seconds``; offered when it
    ends better than the incumbent (True when kept). For incumbents the annealer cannot move (an LNS
    or pattern schedule where every move breaks a hard rule)."""
    t0 = time.perf_counter()
    enc = encode(built.instance)
    games = feasible_schedule(
        enc, seconds * feasibility_fraction, seed=seed, stats=stats, settings=settings, chains=chains
    )
    if games is None:
        return False
    left = seconds - (time.perf_counter() - t0)
    return improve(session, built, left, seed=seed, stats=stats, chains=chains, start=games, **improve_kw)
