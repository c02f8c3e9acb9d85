"""The validator reproduces every stored best-known benchmark solution exactly.

ITC2021: ``itc2021/best_solutions/<INST>_best_<obj>.xml`` -> ``itc2021/instances/<INST>.xml``.
TTP:     ``ttp/best_solutions/<INST>_<obj>.xml``       -> ``ttp/instances_robinx/<INST>.xml``
(``<INST>`` may contain underscores, e.g. ``NL4_Mirrored``: the objective is the last ``_<number>``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from flextime.formats.robinx import read_instance, read_solution, solution_objective
from flextime.paths import benchmarks_dir
from flextime.validate import validate, validate_files

BENCH = benchmarks_dir()
if not BENCH.exists():
    pytest.skip(f"benchmark data not found at {BENCH} (set FLEXTIME_BENCHMARKS)", allow_module_level=True)

pytestmark = pytest.mark.benchmarks

_ITC = re.compile(r"^(?P<inst>.+)_best_(?P<obj>\d+)$")
_TTP = re.compile(r"^(?P<inst>.+)_(?P<obj>\d+)$")


def _cases() -> list[tuple[str, Path, Path, int]]:
    cases = []
    for sol in sorted((BENCH / "itc2021/best_solutions").glob("*.xml")):
        m = _ITC.match(sol.stem)
        assert m, f"unexpected ITC2021 solution file name {sol.name}"
        cases.append((sol.stem, BENCH / "itc2021/instances" / f"{m['inst']}.xml", sol, int(m["obj"])))
    for sol in sorted((BENCH / "ttp/best_solutions").glob("*.xml")):
        m = _TTP.match(sol.stem)
        assert m, f"unexpected TTP solution file name {sol.name}"
        cases.append((sol.stem, BENCH / "ttp/instances_robinx" / f"{m['inst']}.xml", sol, int(m["obj"])))
    return cases


CASES = _cases()


def test_every_best_solution_is_collected():
    # Given the two best-solution folders / Then every file maps to an existing instance
    assert len(CASES) >= 129
    missing = [inst.name for _, inst, _, _ in CASES if not inst.exists()]
    assert missing == []


@pytest.mark.parametrize(
    ("instance_path", "solution_path", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_best_known_solution_reproduced(instance_path: Path, solution_path: Path, expected: int):
    # Given a benchmark instance and its stored best solution
    instance = read_instance(instance_path)
    schedule = read_solution(solution_path)
    # When validated independently of the engine
    report = validate(instance, schedule)
    # Then it is feasible and scores exactly the recorded objective (file name and file metadata)
    assert report.structural == []
    assert [v.constraint_id for v in report.violations if v.hard] == []
    assert report.feasible and report.infeasibility == 0
    assert report.objective == expected
    recorded_inf, recorded_obj = solution_objective(solution_path)
    assert recorded_obj == expected and recorded_inf in (0, None)
    if instance.distances is not None:
        assert report.travel_total == expected


def test_validate_files_helper():
    # Given the NL4 instance and its optimal solution / When validated from paths / Then optimal travel
    report = validate_files(BENCH / "ttp/instances_robinx/NL4.xml", BENCH / "ttp/best_solutions/NL4_8276.xml")
    assert report.feasible and report.objective == 8276 and report.travel_total == 8276
    assert sum(report.travel_by_team.values()) == 8276
