"""RobinX / ITC2021 XML: read instances (ITC2021 and TTP) and solutions, write solutions and instances.

Conventions (see ``benchmarks/README.md`` sections 1 and 2):

* team ids are the RobinX id strings ("0", "1", ...), names from the file; slot index = id, label = name;
* ``numberRoundRobin`` -> rounds, compactness ``C`` -> compact, gameMode ``P`` -> phased, ``M`` ->
  mirrored (and phased);
* objective ``SC`` -> soft constraints, ``TR`` -> travel only, ``NONE`` -> soft constraints (there are
  none), ``BM`` (break minimisation) -> one soft BR2 over all teams and slots with intp 0, which
  counts exactly the total number of breaks;
* every constraint gets the id ``<TAG>-<k>`` (k = 1, 2, ... per tag in file order) and a generated
  readable label; team/slot groups (``teamGroups``, ``slotGroups``) are expanded to id lists.

Every problem with the input is raised as :class:`InputError` with the file, the line and the element.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from xml.parsers import expat

from pydantic import ValidationError

from flextime.domain.constraints import (
    BR1,
    BR2,
    CA1,
    CA2,
    CA3,
    CA4,
    FA2,
    GA1,
    SE1,
    Constraint,
)
from flextime.domain.model import (
    Game,
    Instance,
    InstanceError,
    Objective,
    PartialRoundRobin,
    RoundRobin,
    Schedule,
    Slot,
    Team,
)
from flextime.formats.errors import InputError

__all__ = [
    "instance_to_string",
    "read_instance",
    "read_instance_string",
    "read_solution",
    "read_solution_string",
    "solution_to_string",
    "write_instance",
    "write_solution",
]

# Groups of <Constraints> and the tags we understand in each (write order).
_GROUPS: dict[str, tuple[str, ...]] = {
    "BasicConstraints": (),
    "CapacityConstraints": ("CA1", "CA2", "CA3", "CA4"),
    "GameConstraints": ("GA1",),
    "BreakConstraints": ("BR1", "BR2"),
    "FairnessConstraints": ("FA2",),
    "SeparationConstraints": ("SE1",),
}
_MODE_WORDS = {"H": "home", "A": "away", "HA": ""}


# ---- XML parsing with line numbers ----------------------------------------------------------


class _Doc:
    """A parsed XML document: the root element and the line of every element."""

    def __init__(self, source: str, root: ET.Element, lines: dict[int, int]):
        self.source = source
        self.root = root
        self._lines = lines

    def line(self, el: ET.Element) -> int:
        return self._lines.get(id(el), 0)

    def where(self, el: ET.Element, path: str = "") -> str:
        line = self.line(el)
        parts = [f"line {line}"] if line else []
        if path:
            parts.append(path)
        return ", ".join(parts)

    def error(self, el: ET.Element, path: str, message: str) -> InputError:
        return InputError(self.source, self.where(el, path), message)


def _parse(text: str | bytes, source: str) -> _Doc:
    """Parse with expat (the parser under xml.etree) so that every element knows its line."""
    builder = ET.TreeBuilder()
    lines: dict[int, int] = {}
    parser = expat.ParserCreate()

    def start(tag: str, attrs: dict[str, str]) -> None:
        el = builder.start(tag, attrs)
        lines[id(el)] = parser.CurrentLineNumber

    parser.StartElementHandler = start
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.data
    try:
        parser.Parse(text, True)
        root = builder.close()
    except expat.ExpatError as exc:
        message = expat.ErrorString(exc.code) if exc.code is not None else str(exc)
        raise InputError(
            source, f"line {exc.lineno}, column {exc.offset + 1}", f"malformed XML: {message}"
        ) from None
    except AssertionError:  # TreeBuilder on an empty or truncated document
        raise InputError(source, "", "malformed XML: no root element") from None
    # keep the elements alive: ids are only unique while the objects exist (the tree holds them)
    return _Doc(source, root, lines)


def _load(path: str | Path) -> tuple[str, bytes]:
    p = Path(path)
    try:
        return str(p), p.read_bytes()
    except OSError as exc:
        raise InputError(str(p), "", f"cannot read file: {exc.strerror or exc}") from None


# ---- attribute helpers ------------------------------------------------------------------------


def _attr(doc: _Doc, el: ET.Element, path: str, name: str, default: str | None = None) -> str:
    value = el.get(name)
    if value is None:
        if default is not None:
            return default
        raise doc.error(el, f"{path}@{name}", f"<{el.tag}> is missing the attribute '{name}'")
    return value.strip()


def _int(doc: _Doc, el: ET.Element, path: str, name: str, default: int | None = None) -> int:
    raw = el.get(name)
    if raw is None or (raw.strip() == "" and default is not None):
        if default is not None:
            return default
        raise doc.error(el, f"{path}@{name}", f"<{el.tag}> is missing the attribute '{name}'")
    try:
        return int(raw.strip())
    except ValueError:
        raise doc.error(el, f"{path}@{name}", f"attribute '{name}' must be an integer, got '{raw}'") from None


def _id_list(doc: _Doc, el: ET.Element, path: str, name: str) -> list[str]:
    raw = el.get(name) or ""
    return [part.strip() for part in raw.split(";") if part.strip()]


def _int_list(doc: _Doc, el: ET.Element, path: str, name: str) -> list[int]:
    out: list[int] = []
    for part in _id_list(doc, el, path, name):
        try:
            out.append(int(part))
        except ValueError:
            raise doc.error(
                el, f"{path}@{name}", f"attribute '{name}' must list integers separated by ';', got '{part}'"
            ) from None
    return out


def _text(el: ET.Element | None) -> str | None:
    if el is None or el.text is None:
        return None
    value = el.text.strip()
    return value or None


def _dedupe(items: Iterable[Any]) -> list[Any]:
    seen: set[Any] = set()
    out = []
    for item in items:
        if item not in seen:
            seen.add(item)
            out.append(item)
    return out


# ---- reading instances ------------------------------------------------------------------------


class _Reader:
    """Reads one instance document; keeps the group tables needed to expand group references."""

    def __init__(self, doc: _Doc):
        self.doc = doc
        self.team_ids: list[str] = []
        self.team_groups: dict[str, list[str]] = {}
        self.slot_ids: list[int] = []
        self.slot_groups: dict[str, list[int]] = {}

    # -- resources
    def teams(self, root: ET.Element) -> list[Team]:
        teams: list[Team] = []
        section = root.find("Resources/Teams")
        if section is None:
            raise InputError(self.doc.source, "Resources", "no <Teams> section")
        for k, el in enumerate(section.findall("team")):
            path = f"Resources/Teams/team[{k}]"
            tid = _attr(self.doc, el, path, "id")
            if not tid:
                raise self.doc.error(el, f"{path}@id", "empty team id")
            name = el.get("name") or tid
            for g in _id_list(self.doc, el, path, "teamGroups"):
                self.team_groups.setdefault(g, []).append(tid)
            teams.append(Team(id=tid, name=name))
        self.team_ids = [t.id for t in teams]
        return teams

    def slots(self, root: ET.Element) -> list[Slot]:
        slots: list[Slot] = []
        section = root.find("Resources/Slots")
        if section is None:
            raise InputError(self.doc.source, "Resources", "no <Slots> section")
        for k, el in enumerate(section.findall("slot")):
            path = f"Resources/Slots/slot[{k}]"
            index = _int(self.doc, el, path, "id")
            if index < 0:
                raise self.doc.error(el, f"{path}@id", f"slot id must be >= 0, got {index}")
            for g in _id_list(self.doc, el, path, "slotGroup") + _id_list(self.doc, el, path, "slotGroups"):
                self.slot_groups.setdefault(g, []).append(index)
            slots.append(Slot(index=index, label=el.get("name") or None))
        slots.sort(key=lambda s: s.index)
        self.slot_ids = [s.index for s in slots]
        return slots

    # -- lists with group expansion
    def team_list(self, el: ET.Element, path: str, attr: str, group_attr: str) -> list[str]:
        teams = _id_list(self.doc, el, path, attr)
        for g in _id_list(self.doc, el, path, group_attr):
            if g not in self.team_groups:
                raise self.doc.error(el, f"{path}@{group_attr}", f"team group '{g}' has no teams")
            teams.extend(self.team_groups[g])
        return _dedupe(teams)

    def slot_list(self, el: ET.Element, path: str) -> list[int]:
        slots = _int_list(self.doc, el, path, "slots")
        for g in _id_list(self.doc, el, path, "slotGroups"):
            if g not in self.slot_groups:
                raise self.doc.error(el, f"{path}@slotGroups", f"slot group '{g}' has no slots")
            slots.extend(self.slot_groups[g])
        return _dedupe(slots)

    # -- constraints
    def constraints(self, root: ET.Element) -> list[Constraint]:
        out: list[Constraint] = []
        counters: dict[str, int] = {}
        section = root.find("Constraints")
        if section is None:
            return out
        for group in section:
            if group.tag not in _GROUPS and len(group) == 0:
                continue
            for el in group:
                k = counters[el.tag] = counters.get(el.tag, 0) + 1
                out.append(self.constraint(el, k))
        return out

    def constraint(self, el: ET.Element, k: int) -> Constraint:
        tag = el.tag
        path = f"Constraints/{tag}[{k}]"
        builder = _BUILDERS.get(tag)
        if builder is None:
            supported = ", ".join(sorted(_BUILDERS))
            raise self.doc.error(el, path, f"unsupported constraint <{tag}> (supported: {supported})")
        kind = _attr(self.doc, el, path, "type").upper()
        if kind not in ("HARD", "SOFT"):
            raise self.doc.error(el, f"{path}@type", f"type must be HARD or SOFT, got '{kind}'")
        common = {
            "id": f"{tag}-{k}",
            "hard": kind == "HARD",
            "weight": _int(self.doc, el, path, "penalty"),
        }
        try:
            fields = builder(self, el, path)
            c: Constraint = _MODELS[tag](**common, **fields)
        except ValidationError as exc:
            raise self.doc.error(el, path, _pydantic_message(exc)) from None
        return c.model_copy(update={"label": constraint_label(c, self.team_ids, self.slot_ids)})


def _b_ca1(r: _Reader, el: ET.Element, path: str) -> dict[str, Any]:
    d = r.doc
    return {
        "teams": r.team_list(el, path, "teams", "teamGroups"),
        "slots": r.slot_list(el, path),
        "mode": _attr(d, el, path, "mode"),
        "min": _int(d, el, path, "min", 0),
        "max": _int(d, el, path, "max"),
    }


def _b_pair(r: _Reader, el: ET.Element, path: str) -> dict[str, Any]:
    """CA2 and CA4."""
    d = r.doc
    mode2 = _attr(d, el, path, "mode2", "GLOBAL")
    if el.tag == "CA2" and mode2 != "GLOBAL":
        raise d.error(el, f"{path}@mode2", f"CA2 with mode2 '{mode2}' is not supported (only GLOBAL)")
    return {
        "teams1": r.team_list(el, path, "teams1", "teamGroups1"),
        "teams2": r.team_list(el, path, "teams2", "teamGroups2"),
        "slots": r.slot_list(el, path),
        "mode1": _attr(d, el, path, "mode1"),
        "mode2": _attr(d, el, path, "mode2", "GLOBAL"),
        "min": _int(d, el, path, "min", 0),
        "max": _int(d, el, path, "max"),
    }


def _b_ca3(r: _Reader, el: ET.Element, path: str) -> dict[str, Any]:
    d = r.doc
    return {
        "teams1": r.team_list(el, path, "teams1", "teamGroups1"),
        "teams2": r.team_list(el, path, "teams2", "teamGroups2"),
        "intp": _int(d, el, path, "intp"),
        "mode1": _attr(d, el, path, "mode1"),
        "mode2": _attr(d, el, path, "mode2", "SLOTS"),
        "min": _int(d, el, path, "min", 0),
        "max": _int(d, el, path, "max"),
    }


def _b_ga1(r: _Reader, el: ET.Element, path: str) -> dict[str, Any]:
    d = r.doc
    meetings: list[tuple[str, str]] = []
    for part in _attr(d, el, path, "meetings").split(";"):
        if not part.strip():
            continue
        pair = [x.strip() for x in part.split(",")]
        if len(pair) != 2 or not all(pair):
            raise d.error(el, f"{path}@meetings", f"each meeting must be 'home,away', got '{part.strip()}'")
        meetings.append((pair[0], pair[1]))
    return {
        "meetings": meetings,
        "slots": r.slot_list(el, path),
        "min": _int(d, el, path, "min", 0),
        "max": _int(d, el, path, "max"),
    }


def _b_br1(r: _Reader, el: ET.Element, path: str) -> dict[str, Any]:
    d = r.doc
    return {
        "teams": r.team_list(el, path, "teams", "teamGroups"),
        "slots": r.slot_list(el, path),
        "intp": _int(d, el, path, "intp"),
        "mode1": _attr(d, el, path, "mode1", "LEQ"),
        "mode2": _attr(d, el, path, "mode2", "HA"),
    }


def _b_br2(r: _Reader, el: ET.Element, path: str) -> dict[str, Any]:
    d = r.doc
    return {
        "teams": r.team_list(el, path, "teams", "teamGroups"),
        "slots": r.slot_list(el, path),
        "intp": _int(d, el, path, "intp"),
        "homeMode": _attr(d, el, path, "homeMode", "HA"),
        "mode2": _attr(d, el, path, "mode2", "LEQ"),
    }


def _b_fa2(r: _Reader, el: ET.Element, path: str) -> dict[str, Any]:
    d = r.doc
    return {
        "teams": r.team_list(el, path, "teams", "teamGroups"),
        "slots": r.slot_list(el, path),
        "intp": _int(d, el, path, "intp"),
        "mode": _attr(d, el, path, "mode", "H"),
    }


def _b_se1(r: _Reader, el: ET.Element, path: str) -> dict[str, Any]:
    d = r.doc
    upper = _int(d, el, path, "max", -1)
    # TTP files carry a max separation equal to the number of slots: it can never bind. A binding
    # max (at most ``max`` slots between the meetings) is not in the catalog: refuse it loudly.
    if upper >= 0 and upper < len(r.slot_ids) - 2:
        raise d.error(el, f"{path}@max", f"SE1 with a binding max separation ({upper}) is not supported")
    return {
        "teams": r.team_list(el, path, "teams", "teamGroups"),
        "min": _int(d, el, path, "min"),
        "mode1": _attr(d, el, path, "mode1", "SLOTS"),
    }


_BUILDERS: dict[str, Callable[[_Reader, ET.Element, str], dict[str, Any]]] = {
    "CA1": _b_ca1,
    "CA2": _b_pair,
    "CA3": _b_ca3,
    "CA4": _b_pair,
    "GA1": _b_ga1,
    "BR1": _b_br1,
    "BR2": _b_br2,
    "FA2": _b_fa2,
    "SE1": _b_se1,
}
_MODELS: dict[str, Any] = {
    "CA1": CA1,
    "CA2": CA2,
    "CA3": CA3,
    "CA4": CA4,
    "GA1": GA1,
    "BR1": BR1,
    "BR2": BR2,
    "FA2": FA2,
    "SE1": SE1,
}


def _pydantic_message(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        loc = ".".join(str(x) for x in err["loc"])
        value = err.get("input")
        shown = f" (got {value!r})" if isinstance(value, str | int) else ""
        parts.append(f"{loc}: {err['msg']}{shown}" if loc else f"{err['msg']}{shown}")
    return "; ".join(parts)


def _format(doc: _Doc, root: ET.Element) -> RoundRobin:
    el = root.find("Structure/Format")
    if el is None:
        return RoundRobin()
    rounds_el = el.find("numberRoundRobin")
    rounds_text = _text(rounds_el) or "2"
    try:
        rounds = int(rounds_text)
    except ValueError:
        raise doc.error(
            rounds_el if rounds_el is not None else el,
            "Structure/Format/numberRoundRobin",
            f"must be an integer, got '{rounds_text}'",
        ) from None
    compact = (_text(el.find("compactness")) or "C").upper() == "C"
    mode = (_text(el.find("gameMode")) or "NULL").upper()
    if mode not in ("P", "M", "NULL"):
        mode_el = el.find("gameMode")
        raise doc.error(
            mode_el if mode_el is not None else el,
            "Structure/Format/gameMode",
            f"gameMode must be P, M or NULL, got '{mode}'",
        )
    try:
        return RoundRobin(rounds=rounds, compact=compact, phased=mode in ("P", "M"), mirrored=mode == "M")
    except ValidationError as exc:
        raise doc.error(el, "Structure/Format", _pydantic_message(exc)) from None


def _objective(doc: _Doc, root: ET.Element) -> tuple[Objective, bool]:
    """The objective, and whether it is BM (break minimisation)."""
    el = root.find("ObjectiveFunction/Objective")
    value = (_text(el) or "NONE").upper()
    if value == "TR":
        return Objective(soft_constraints=False, travel_weight=1), False
    if value in ("SC", "NONE", "BM"):
        return Objective(soft_constraints=True, travel_weight=0), value == "BM"
    assert el is not None
    raise doc.error(
        el, "ObjectiveFunction/Objective", f"unsupported objective '{value}' (use SC, TR, NONE or BM)"
    )


def _distances(doc: _Doc, root: ET.Element, team_ids: list[str]) -> list[list[int]] | None:
    section = root.find("Data/Distances")
    if section is None or len(section) == 0:
        return None
    index = {t: i for i, t in enumerate(team_ids)}
    n = len(team_ids)
    matrix: list[list[int | None]] = [[0 if i == j else None for j in range(n)] for i in range(n)]
    for k, el in enumerate(section.findall("distance")):
        path = f"Data/Distances/distance[{k}]"
        i = _attr(doc, el, path, "team1")
        j = _attr(doc, el, path, "team2")
        for attr, t in (("team1", i), ("team2", j)):
            if t not in index:
                raise doc.error(el, f"{path}@{attr}", f"unknown team '{t}'")
        matrix[index[i]][index[j]] = _int(doc, el, path, "dist")
    missing = [(team_ids[i], team_ids[j]) for i in range(n) for j in range(n) if matrix[i][j] is None]
    if missing:
        shown = ", ".join(f"{a}->{b}" for a, b in missing[:5])
        more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        raise doc.error(section, "Data/Distances", f"missing distances: {shown}{more}")
    return [[int(x or 0) for x in row] for row in matrix]


def _read_instance_doc(doc: _Doc, fallback_name: str) -> Instance:
    root = doc.root
    if root.tag != "Instance":
        raise doc.error(root, "", f"expected an <Instance> document, got <{root.tag}>")
    reader = _Reader(doc)
    teams = reader.teams(root)
    slots = reader.slots(root)
    fmt = _format(doc, root)
    objective, bm = _objective(doc, root)
    constraints = reader.constraints(root)
    if bm:
        br2 = BR2(id="BM-1", hard=False, weight=1, teams=reader.team_ids, slots=reader.slot_ids, intp=0)
        constraints.append(
            br2.model_copy(update={"label": "BM objective: total number of breaks of all teams"})
        )
    distances = _distances(doc, root, reader.team_ids)
    name = _text(root.find("MetaData/InstanceName")) or fallback_name
    try:
        return Instance(
            name=name,
            teams=teams,
            slots=slots,
            format=fmt,
            constraints=constraints,
            objective=objective,
            distances=distances,
        )
    except InstanceError as exc:
        raise InputError(doc.source, "instance", "; ".join(exc.problems)) from None
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            inner = err.get("ctx", {}).get("error")
            if isinstance(inner, InstanceError):
                problems.extend(inner.problems)
            else:
                loc = ".".join(str(x) for x in err["loc"])
                problems.append(f"{loc}: {err['msg']}" if loc else str(err["msg"]))
        raise InputError(doc.source, "instance", "; ".join(problems)) from None


def read_instance(path: str | Path) -> Instance:
    """Read a RobinX instance file (ITC2021 or TTP). Raises :class:`InputError` on any bad input."""
    source, data = _load(path)
    return _read_instance_doc(_parse(data, source), Path(path).stem)


def read_instance_string(text: str | bytes, source: str = "<string>") -> Instance:
    """Read a RobinX instance from XML text."""
    return _read_instance_doc(_parse(text, source), Path(source).stem or "instance")


# ---- solutions --------------------------------------------------------------------------------


def _read_solution_doc(doc: _Doc) -> Schedule:
    root = doc.root
    if root.tag != "Solution":
        raise doc.error(root, "", f"expected a <Solution> document, got <{root.tag}>")
    games_el = root.find("Games")
    if games_el is None:
        raise doc.error(root, "Solution", "no <Games> section")
    games: list[Game] = []
    for k, el in enumerate(games_el):
        if el.tag not in ("ScheduledMatch", "Game"):
            raise doc.error(el, f"Games/{el.tag}[{k}]", f"unexpected <{el.tag}> (expected <ScheduledMatch>)")
        path = f"Games/{el.tag}[{k}]"
        home = _attr(doc, el, path, "home")
        away = _attr(doc, el, path, "away")
        slot = _int(doc, el, path, "slot")
        if slot < 0:
            raise doc.error(el, f"{path}@slot", f"slot must be >= 0, got {slot}")
        if not home or not away:
            raise doc.error(el, path, "empty home or away team id")
        games.append(Game(home=home, away=away, slot=slot))
    name = _text(root.find("MetaData/InstanceName")) or ""
    return Schedule(instance=name, games=games)


def read_solution(path: str | Path) -> Schedule:
    """Read a RobinX solution (V7 ``<ScheduledMatch>`` or V6 ``<Game>``)."""
    source, data = _load(path)
    return _read_solution_doc(_parse(data, source))


def read_solution_string(text: str | bytes, source: str = "<string>") -> Schedule:
    return _read_solution_doc(_parse(text, source))


def solution_objective(path: str | Path) -> tuple[int | None, int | None]:
    """The (infeasibility, objective) recorded in a solution file's ``<ObjectiveValue>``."""
    source, data = _load(path)
    doc = _parse(data, source)
    el = doc.root.find("MetaData/ObjectiveValue")
    if el is None:
        return None, None
    path_ = "MetaData/ObjectiveValue"
    inf = _int(doc, el, path_, "infeasibility") if el.get("infeasibility") else None
    obj = _int(doc, el, path_, "objective") if el.get("objective") else None
    return inf, obj


def _indent(el: ET.Element) -> None:
    ET.indent(el, space="  ")


def solution_to_string(
    schedule: Schedule,
    *,
    instance_name: str,
    objective: int | None = None,
    infeasibility: int | None = None,
    solution_name: str | None = None,
) -> str:
    """The V7 solution XML for ``schedule`` (team ids written as they are)."""
    root = ET.Element("Solution")
    meta = ET.SubElement(root, "MetaData")
    ET.SubElement(meta, "SolutionName").text = solution_name or "NULL"
    ET.SubElement(meta, "InstanceName").text = instance_name
    value = ET.SubElement(meta, "ObjectiveValue")
    value.set("infeasibility", str(infeasibility if infeasibility is not None else 0))
    value.set("objective", str(objective if objective is not None else 0))
    games = ET.SubElement(root, "Games")
    for g in sorted(schedule.games, key=lambda g: (g.slot, g.home, g.away)):
        ET.SubElement(games, "ScheduledMatch", {"home": g.home, "away": g.away, "slot": str(g.slot)})
    _indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def write_solution(
    schedule: Schedule,
    path: str | Path,
    *,
    instance_name: str,
    objective: int | None = None,
    infeasibility: int | None = None,
    solution_name: str | None = None,
) -> None:
    """Write ``schedule`` as a V7 RobinX solution file."""
    text = solution_to_string(
        schedule,
        instance_name=instance_name,
        objective=objective,
        infeasibility=infeasibility,
        solution_name=solution_name,
    )
    Path(path).write_text(text, encoding="utf-8")


# ---- writing instances ------------------------------------------------------------------------


def _join(items: Iterable[object]) -> str:
    return ";".join(str(x) for x in items)


def _constraint_attrs(c: Constraint) -> dict[str, str]:
    attrs: dict[str, str] = {"type": "HARD" if c.hard else "SOFT", "penalty": str(c.weight)}
    data = c.model_dump(exclude={"id", "label", "hard", "weight", "type"})
    for key, value in data.items():
        if key == "meetings":
            attrs[key] = "".join(f"{h},{a};" for h, a in value)
        elif isinstance(value, list):
            attrs[key] = _join(value)
        else:
            attrs[key] = str(value)
    return attrs


def instance_to_string(instance: Instance) -> str:
    """RobinX XML for an instance with ITC-family constraints (CA1..SE1) and a round-robin format."""
    fmt = instance.format
    if isinstance(fmt, PartialRoundRobin):
        raise ValueError("RobinX output supports round-robin formats only, not a partial round robin")
    by_tag: dict[str, list[Constraint]] = {}
    for c in instance.constraints:
        if c.type not in _MODELS:
            raise ValueError(f"constraint {c.id}: family '{c.type}' has no RobinX form")
        by_tag.setdefault(c.type, []).append(c)
    root = ET.Element("Instance")
    meta = ET.SubElement(root, "MetaData")
    ET.SubElement(meta, "InstanceName").text = instance.name
    ET.SubElement(meta, "DataType").text = "A"
    structure = ET.SubElement(root, "Structure")
    f = ET.SubElement(structure, "Format", {"leagueIds": "0"})
    ET.SubElement(f, "numberRoundRobin").text = str(fmt.rounds)
    ET.SubElement(f, "compactness").text = "C" if fmt.compact else "R"
    ET.SubElement(f, "gameMode").text = "M" if fmt.mirrored else ("P" if fmt.phased else "NULL")
    obj = instance.objective
    ET.SubElement(ET.SubElement(root, "ObjectiveFunction"), "Objective").text = (
        "TR" if obj.travel_weight and not obj.soft_constraints else "SC"
    )
    if instance.distances is not None:
        dist = ET.SubElement(ET.SubElement(root, "Data"), "Distances")
        ids = instance.team_ids
        for i, row in enumerate(instance.distances):
            for j, d in enumerate(row):
                ET.SubElement(dist, "distance", {"dist": str(d), "team1": ids[i], "team2": ids[j]})
    res = ET.SubElement(root, "Resources")
    ET.SubElement(ET.SubElement(res, "Leagues"), "league", {"id": "0", "name": "League 0"})
    teams = ET.SubElement(res, "Teams")
    for t in instance.teams:
        ET.SubElement(teams, "team", {"id": t.id, "league": "0", "name": t.name})
    slots = ET.SubElement(res, "Slots")
    for s in instance.slots:
        ET.SubElement(slots, "slot", {"id": str(s.index), "name": s.label or f"Slot {s.index}"})
    cons = ET.SubElement(root, "Constraints")
    for group, tags in _GROUPS.items():
        g = ET.SubElement(cons, group)
        for tag in tags:
            for c in by_tag.get(tag, []):
                ET.SubElement(g, tag, _constraint_attrs(c))
    _indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def write_instance(instance: Instance, path: str | Path) -> None:
    """Write ``instance`` as RobinX XML (see :func:`instance_to_string`)."""
    Path(path).write_text(instance_to_string(instance), encoding="utf-8")


# ---- labels -----------------------------------------------------------------------------------


def _teams_text(ids: list[str], all_ids: list[str], word: str = "teams") -> str:
    if len(ids) > 1 and set(ids) == set(all_ids):
        return f"all {word}"
    return f"{word} " + ",".join(ids)


def _slots_text(slots: list[int], all_slots: list[int]) -> str:
    if len(slots) > 1 and set(slots) == set(all_slots):
        return "all slots"
    if len(slots) == 1:
        return f"slot {slots[0]}"
    return "slots " + ",".join(str(s) for s in slots)


def _bounds(lo: int, hi: int, noun: str) -> str:
    plural = "" if hi == 1 and lo in (0, 1) else "s"
    if hi == 0:
        return f"no {noun}s"
    if lo == hi:
        return f"exactly {hi} {noun}{plural}"
    if lo > 0:
        return f"between {lo} and {hi} {noun}s"
    return f"at most {hi} {noun}{plural}"


def _game_noun(mode: str) -> str:
    word = _MODE_WORDS.get(mode, "")
    return f"{word} game" if word else "game"


def constraint_label(c: Constraint, team_ids: list[str], slot_ids: list[int]) -> str:
    """A readable one-line description of an ITC-family constraint (ids as in the file)."""
    T = lambda ids: _teams_text(ids, team_ids)  # noqa: E731
    S = lambda slots: _slots_text(slots, slot_ids)  # noqa: E731
    if isinstance(c, CA1):
        return f"CA1: {T(c.teams)} play {_bounds(c.min, c.max, _game_noun(c.mode))} in {S(c.slots)}"
    if isinstance(c, CA2):
        bounds = _bounds(c.min, c.max, _game_noun(c.mode1))
        return f"CA2: {T(c.teams1)} play {bounds} against {T(c.teams2)} in {S(c.slots)}"
    if isinstance(c, CA3):
        unit = "slots" if c.mode2 == "SLOTS" else "games"
        return (
            f"CA3: {T(c.teams1)} play {_bounds(c.min, c.max, _game_noun(c.mode1))} against {T(c.teams2)} "
            f"in every {c.intp} consecutive {unit}"
        )
    if isinstance(c, CA4):
        each = "in each of" if c.mode2 == "EVERY" else "in"
        return (
            f"CA4: {T(c.teams1)} together play {_bounds(c.min, c.max, _game_noun(c.mode1))} "
            f"against {T(c.teams2)} {each} {S(c.slots)}"
        )
    if isinstance(c, GA1):
        games = ",".join(f"{h}-{a}" for h, a in c.meetings)
        return f"GA1: {_bounds(c.min, c.max, 'game')} of {games} (home-away) in {S(c.slots)}"
    if isinstance(c, BR1):
        kind = {"H": "home breaks", "A": "away breaks", "HA": "breaks"}[c.mode2]
        return f"BR1: {T(c.teams)} have at most {c.intp} {kind} in {S(c.slots)}"
    if isinstance(c, BR2):
        return f"BR2: {T(c.teams)} together have at most {c.intp} breaks in {S(c.slots)}"
    if isinstance(c, FA2):
        return f"FA2: {T(c.teams)} differ by at most {c.intp} home games played at each of {S(c.slots)}"
    if isinstance(c, SE1):
        return f"SE1: {T(c.teams)} have at least {c.min} slots between their two meetings"
    return c.display
