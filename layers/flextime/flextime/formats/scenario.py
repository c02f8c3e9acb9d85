"""The native scenario file: an ``Instance`` as YAML (``.yaml``/``.yml``) or JSON (``.json``).

The file is the pydantic ``Instance`` serialised with dates as ISO strings (see
``docs/scenario-format.md``). Two conveniences for humans are expanded before the ``Instance`` is
built:

* ``slots`` may be a generator instead of an explicit list::

      slots: {dates: {from: 2027-01-02, to: 2027-03-06, weekdays: [Sat, Mon, Tue, Wed],
                      exclude: [2027-01-18]}}
      slots: {count: 12, label: "Round {n}"}

  ``dates`` yields every date from ``from`` to ``to`` (inclusive) whose weekday is in ``weekdays``
  (default: every day) and that is not in ``exclude``; ``count`` yields ``count`` abstract rounds.
  ``label`` is an optional pattern with ``{n}`` (1-based number), ``{date}`` and ``{weekday}``.
  Explicit slot entries may leave out ``index`` (it defaults to the position in the list).
* ``venues_file`` names a YAML/JSON list of venues or a CSV with a header row of venue fields,
  resolved relative to the scenario file; its venues are appended to ``venues``.

Every problem with the input is raised as one ``InputError(source, location, message)``.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from flextime.domain import WEEKDAYS, Instance, InstanceError
from flextime.formats.errors import InputError

__all__ = [
    "SCHEMA_PATH",
    "dump_scenario",
    "expand_scenario",
    "load_scenario",
    "parse_scenario",
    "scenario_json_schema",
    "scenario_to_data",
    "write_schema",
]

SCHEMA_PATH = Path(__file__).resolve().parents[1] / "schemas" / "scenario.schema.json"
_YAML_SUFFIXES = (".yaml", ".yml")
_JSON_SUFFIXES = (".json",)


# ---- loading ---------------------------------------------------------------------------------


def load_scenario(path: str | Path) -> Instance:
    """Read a ``.yaml``/``.yml``/``.json`` scenario file; any problem raises ``InputError``."""
    path = Path(path)
    source = str(path)
    suffix = path.suffix.lower()
    if suffix not in _YAML_SUFFIXES + _JSON_SUFFIXES:
        raise InputError(
            source, "path", f"unknown scenario file type '{suffix}' (expected .yaml, .yml or .json)"
        )
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(source, "path", "no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(source, "path", f"cannot read the file: {exc}") from None
    fmt = "json" if suffix in _JSON_SUFFIXES else "yaml"
    return parse_scenario(text, fmt=fmt, source=source, base_dir=path.parent)


def parse_scenario(
    text: str, fmt: str = "yaml", source: str = "<scenario>", base_dir: Path | None = None
) -> Instance:
    """Parse scenario text (``fmt`` "yaml" or "json") into an ``Instance``; errors raise ``InputError``."""
    data, lines = _parse_text(text, fmt, source)
    data = expand_scenario(data, source=source, base_dir=base_dir)
    return _build_instance(data, source, lines)


def expand_scenario(data: Any, source: str = "<scenario>", base_dir: Path | None = None) -> dict[str, Any]:
    """Check the top level is a mapping and expand the compact forms (slot generator,
    ``venues_file``) into the explicit ``Instance`` fields."""
    if not isinstance(data, dict):
        kind = "empty" if data is None else f"a {_kind(data)}"
        raise InputError(
            source,
            "top level",
            f"expected a mapping of scenario fields (name, teams, slots, ...), got {kind}",
        )
    data = dict(data)
    for key in ("name", "sport", "season", "description"):  # `season: 2026` is meant as text
        if isinstance(data.get(key), int | float) and not isinstance(data.get(key), bool):
            data[key] = str(data[key])
    if "slots" in data:
        data["slots"] = _expand_slots(data["slots"], source)
    if "venues_file" in data:
        venues_file = data.pop("venues_file")
        extra = _read_venues_file(venues_file, source, base_dir)
        venues = data.get("venues") or []
        if not isinstance(venues, list):
            raise InputError(source, "venues", f"expected a list of venues, got {_kind(venues)}")
        data["venues"] = [*venues, *extra]
    return data


def _parse_text(text: str, fmt: str, source: str) -> tuple[Any, _LineIndex | None]:
    if fmt == "json":
        try:
            return json.loads(text), None
        except json.JSONDecodeError as exc:
            raise InputError(
                source, f"line {exc.lineno}, column {exc.colno}", f"invalid JSON: {exc.msg}"
            ) from None
    if fmt != "yaml":
        raise ValueError(f"unknown scenario format {fmt!r}")
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "file"
        problem = "; ".join(p for p in (exc.context, exc.problem) if p) or "syntax error"
        raise InputError(source, where, f"invalid YAML: {problem}") from None
    except yaml.YAMLError as exc:
        raise InputError(source, "file", f"invalid YAML: {exc}") from None
    return data, (_LineIndex(node) if node is not None else None)


# ---- slot generator and venues file ------------------------------------------------------------


def _expand_slots(value: Any, source: str) -> Any:
    if isinstance(value, list):
        return [
            {"index": i, **item} if isinstance(item, dict) and "index" not in item else item
            for i, item in enumerate(value)
        ]
    if not isinstance(value, dict):
        return value  # pydantic reports the wrong type
    unknown = set(value) - {"dates", "count", "label"}
    if unknown or ("dates" in value) == ("count" in value):
        raise InputError(
            source,
            "slots",
            "expected a list of slots or a generator with exactly one of 'dates' "
            "({from, to, weekdays, exclude}) or 'count', and optionally 'label'"
            + (f"; unknown keys: {', '.join(sorted(map(str, unknown)))}" if unknown else ""),
        )
    label = value.get("label")
    if label is not None and not isinstance(label, str):
        raise InputError(source, "slots.label", "expected a text pattern such as 'Round {n}'")
    if "count" in value:
        count = value["count"]
        if not isinstance(count, int) or isinstance(count, bool) or count < 1:
            raise InputError(source, "slots.count", f"expected a positive whole number, got {count!r}")
        return [_slot(i, None, label, source) for i in range(count)]
    return _expand_dates(value["dates"], label, source)


def _expand_dates(spec: Any, label: str | None, source: str) -> list[dict[str, Any]]:
    where = "slots.dates"
    if not isinstance(spec, dict):
        raise InputError(source, where, "expected a mapping {from, to, weekdays, exclude}")
    unknown = set(spec) - {"from", "to", "weekdays", "exclude"}
    if unknown:
        raise InputError(source, where, f"unknown keys: {', '.join(sorted(map(str, unknown)))}")
    start = _date(spec.get("from"), f"{where}.from", source)
    end = _date(spec.get("to"), f"{where}.to", source)
    if end < start:
        raise InputError(source, f"{where}.to", f"{end} is before {start}")
    weekdays = spec.get("weekdays") or list(WEEKDAYS)
    if not isinstance(weekdays, list) or any(w not in WEEKDAYS for w in weekdays):
        raise InputError(
            source, f"{where}.weekdays", f"expected a list of {', '.join(WEEKDAYS)}; got {weekdays!r}"
        )
    exclude_raw = spec.get("exclude") or []
    if not isinstance(exclude_raw, list):
        raise InputError(source, f"{where}.exclude", "expected a list of dates")
    exclude = {_date(d, f"{where}.exclude.{i}", source) for i, d in enumerate(exclude_raw)}
    slots: list[dict[str, Any]] = []
    day = start
    while day <= end:
        if WEEKDAYS[day.weekday()] in weekdays and day not in exclude:
            slots.append(_slot(len(slots), day, label, source))
        day += dt.timedelta(days=1)
    if not slots:
        raise InputError(source, where, "the generator yields no dates")
    return slots


def _slot(index: int, date: dt.date | None, label: str | None, source: str) -> dict[str, Any]:
    slot: dict[str, Any] = {"index": index}
    if date is not None:
        slot["date"] = date.isoformat()
    if label:
        try:
            slot["label"] = label.format(
                n=index + 1,
                date=date.isoformat() if date else "",
                weekday=WEEKDAYS[date.weekday()] if date else "",
            )
        except (KeyError, IndexError, ValueError) as exc:
            raise InputError(source, "slots.label", f"bad label pattern {label!r}: {exc}") from None
    return slot


def _date(value: Any, where: str, source: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise InputError(source, where, f"expected a date YYYY-MM-DD, got {value!r}")


def _read_venues_file(value: Any, source: str, base_dir: Path | None) -> list[Any]:
    if not isinstance(value, str) or not value:
        raise InputError(source, "venues_file", "expected a file name")
    path = Path(value)
    if not path.is_absolute() and base_dir is not None:
        path = base_dir / path
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(source, "venues_file", f"cannot read {path}: {exc.strerror or exc}") from None
    suffix = path.suffix.lower()
    if suffix == ".csv":
        rows = list(csv.DictReader(text.splitlines()))
        return [{k: v for k, v in row.items() if k and v not in (None, "")} for row in rows]
    if suffix in _YAML_SUFFIXES + _JSON_SUFFIXES:
        try:
            data = json.loads(text) if suffix == ".json" else yaml.safe_load(text)
        except (json.JSONDecodeError, yaml.YAMLError) as exc:
            raise InputError(str(path), "file", f"invalid venues file: {exc}") from None
        if not isinstance(data, list):
            raise InputError(str(path), "top level", f"expected a list of venues, got {_kind(data)}")
        return data
    raise InputError(
        source, "venues_file", f"unknown venues file type '{suffix}' (expected .csv, .yaml, .json)"
    )


# ---- building the Instance and reporting errors -----------------------------------------------


def _build_instance(data: dict[str, Any], source: str, lines: _LineIndex | None) -> Instance:
    try:
        return Instance.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        for err in errors:
            instance_error = (err.get("ctx") or {}).get("error")
            if isinstance(instance_error, InstanceError):
                raise _instance_input_error(instance_error.problems, data, source, lines) from None
        raise _validation_input_error(errors, data, source, lines) from None
    except InstanceError as exc:  # not wrapped (defensive)
        raise _instance_input_error(exc.problems, data, source, lines) from None


def _validation_input_error(
    errors: list[Any], data: dict[str, Any], source: str, lines: _LineIndex | None
) -> InputError:
    described = []
    for err in errors:
        path = _clean_path(data, tuple(err["loc"]))
        described.append((path, _message(err)))
    path, message = described[0]
    if len(described) > 1:
        others = "; ".join(f"{_dotted(p) or 'top level'}: {m}" for p, m in described[1:6])
        more = f" (and {len(described) - 6} more)" if len(described) > 6 else ""
        message = f"{message} [also {others}{more}]"
    return InputError(source, _location(path, lines), message)


def _instance_input_error(
    problems: list[str], data: dict[str, Any], source: str, lines: _LineIndex | None
) -> InputError:
    path = _problem_path(problems[0], data) if problems else ()
    if len(problems) == 1:
        message = problems[0]
    else:
        message = f"{len(problems)} problems: " + "; ".join(f"({i}) {p}" for i, p in enumerate(problems, 1))
    return InputError(source, _location(path, lines) if path else "instance", message)


def _message(err: Any) -> str:
    msg = str(err.get("msg", "invalid value"))
    if err.get("type") == "extra_forbidden":
        return "unknown field (not part of the scenario format)"
    return msg.removeprefix("Value error, ")


def _clean_path(data: Any, loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """Drop the discriminator tags pydantic inserts into union locations (``constraints.3.fixed_game.home``
    becomes ``constraints.3.home``) by walking the input data alongside the location."""
    path: list[Any] = []
    node = data
    for part in loc:
        if isinstance(node, dict):
            if part in node:
                path.append(part)
                node = node[part]
                continue
            if isinstance(part, str) and part in (node.get("type"), node.get("kind")):
                continue
            path.append(part)
            node = None
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            path.append(part)
            node = node[part]
        else:
            path.append(part)
            node = None
    return tuple(path)


_PROBLEM = re.compile(r"^(?P<field>[a-z_]+)(?:\[(?P<id>[^\]]+)\])?(?P<rest>(?:\.[A-Za-z_0-9]+)*): ")


def _problem_path(problem: str, data: dict[str, Any]) -> tuple[Any, ...]:
    """``constraints[c7].teams: unknown team 'X'`` -> ``("constraints", 3, "teams")``."""
    m = _PROBLEM.match(problem)
    if not m:
        return ()
    path: list[Any] = [m["field"]]
    if m["id"] is not None:
        items = data.get(m["field"])
        if isinstance(items, list):
            index = next(
                (
                    i
                    for i, item in enumerate(items)
                    if isinstance(item, dict) and str(item.get("id")) == m["id"]
                ),
                None,
            )
            if index is not None:
                path.append(index)
    path += [p for p in m["rest"].split(".") if p]
    return tuple(path)


def _dotted(path: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in path)


def _location(path: tuple[Any, ...], lines: _LineIndex | None) -> str:
    where = _dotted(path) or "top level"
    line = lines.line_of(path) if lines is not None else None
    return f"{where} (line {line})" if line else where


def _kind(value: Any) -> str:
    return {list: "list", dict: "mapping", str: "text", int: "number", float: "number", bool: "boolean"}.get(
        type(value), type(value).__name__
    )


class _LineIndex:
    """Finds the line of a field path in a composed YAML node tree (1-based)."""

    def __init__(self, root: yaml.Node):
        self.root = root

    def line_of(self, path: tuple[Any, ...]) -> int | None:
        node: yaml.Node = self.root
        line: int | None = None
        for part in path:
            child = None
            if isinstance(node, yaml.MappingNode):
                for key, value in node.value:
                    if str(key.value) == str(part):
                        child, line = value, key.start_mark.line + 1
                        break
            elif (
                isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value)
            ):
                child = node.value[part]
                line = child.start_mark.line + 1
            if child is None:
                break
            node = child
        return line


# ---- writing ---------------------------------------------------------------------------------


def scenario_to_data(instance: Instance) -> dict[str, Any]:
    """The instance as plain JSON data (dates as ISO strings), leaving out fields at their default
    value but always keeping the ``type`` / ``kind`` discriminators."""
    full = instance.model_dump(mode="json")
    slim = instance.model_dump(mode="json", exclude_defaults=True)
    slim["teams"] = full["teams"] if "teams" not in slim else slim["teams"]
    if "format" in slim:
        slim["format"] = {"kind": full["format"]["kind"], **slim["format"]}
    if "constraints" in slim:
        slim["constraints"] = [
            {"type": f["type"], **s} for f, s in zip(full["constraints"], slim["constraints"], strict=True)
        ]
    return slim


def dump_scenario(instance: Instance, path: str | Path) -> Path:
    """Write ``instance`` as YAML (``.yaml``/``.yml``) or JSON (``.json``); returns the path."""
    path = Path(path)
    suffix = path.suffix.lower()
    data = scenario_to_data(instance)
    if suffix in _JSON_SUFFIXES:
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    elif suffix in _YAML_SUFFIXES:
        header = f"# FlexTime scenario '{instance.name}' (format: docs/scenario-format.md)\n"
        text = header + yaml.dump(
            data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=160, default_flow_style=False
        )
    else:
        raise InputError(
            str(path), "path", f"unknown scenario file type '{suffix}' (expected .yaml, .yml or .json)"
        )
    path.write_text(text, encoding="utf-8")
    return path


class _Dumper(yaml.SafeDumper):
    """Block style at the top, flow style for small mappings of scalars (one team, slot or
    constraint per line)."""


def _represent_dict(dumper: yaml.SafeDumper, value: dict[str, Any]) -> yaml.Node:
    flat = all(
        not isinstance(v, dict)
        and (not isinstance(v, list) or all(not isinstance(x, (dict, list)) for x in v))
        for v in value.values()
    )
    return dumper.represent_mapping(
        "tag:yaml.org,2002:map", value.items(), flow_style=flat and len(value) > 0
    )


def _represent_list(dumper: yaml.SafeDumper, value: list[Any]) -> yaml.Node:
    flat = all(not isinstance(v, (dict, list)) for v in value) or all(
        isinstance(v, list) and all(not isinstance(x, (dict, list)) for x in v) for v in value
    )
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=flat)


_Dumper.add_representer(dict, _represent_dict)
_Dumper.add_representer(list, _represent_list)


# ---- JSON Schema ------------------------------------------------------------------------------


def scenario_json_schema() -> dict[str, Any]:
    """JSON Schema of the scenario file: ``Instance.model_json_schema()`` plus the two compact forms
    (slot generator, ``venues_file``) accepted by ``load_scenario``."""
    schema = Instance.model_json_schema()
    props = schema["properties"]
    explicit = props["slots"]
    props["slots"] = {
        "title": "Slots",
        "description": "Explicit slots (index defaults to the position) or a generator: "
        "{dates: {from, to, weekdays, exclude}} or {count}, with an optional label pattern.",
        "anyOf": [explicit, {"$ref": "#/$defs/SlotGenerator"}],
    }
    props["venues_file"] = {
        "title": "Venues File",
        "description": "A .csv/.yaml/.json list of venues (relative to the scenario file), appended.",
        "type": "string",
    }
    schema["$defs"]["SlotGenerator"] = {
        "title": "SlotGenerator",
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "dates": {
                "type": "object",
                "additionalProperties": False,
                "required": ["from", "to"],
                "properties": {
                    "from": {"type": "string", "format": "date"},
                    "to": {"type": "string", "format": "date"},
                    "weekdays": {"type": "array", "items": {"enum": list(WEEKDAYS)}},
                    "exclude": {"type": "array", "items": {"type": "string", "format": "date"}},
                },
            },
            "count": {"type": "integer", "minimum": 1},
            "label": {"type": "string", "description": "Pattern with {n}, {date}, {weekday}."},
        },
        "oneOf": [{"required": ["dates"]}, {"required": ["count"]}],
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://flextime.example/schemas/scenario.schema.json",
        **schema,
    }


def write_schema(path: str | Path | None = None) -> Path:
    """Write ``scenario_json_schema()`` to ``path`` (default: the packaged
    ``flextime/schemas/scenario.schema.json``)."""
    target = Path(path) if path is not None else SCHEMA_PATH
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(scenario_json_schema(), indent=2) + "\n", encoding="utf-8")
    return target


if __name__ == "__main__":  # python -m flextime.formats.scenario  -> regenerate the schema file
    print(write_schema())
