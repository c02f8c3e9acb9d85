"""Synthesize the FlexTime app ONCE per test run (per xdist worker; every test that needs the
template lives in test_stack.py so `--dist loadfile` keeps them on one worker)."""

from __future__ import annotations

import json
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
CDK_DIR = REPO_ROOT / "cdk"

# As in cdk/app.py: skip aws-cdk-lib's slow built-in CloudFormation validator (cdk-nag still runs);
# set before aws_cdk starts its node process.
if os.environ.get("FLEXTIME_CFN_VALIDATE") != "1":
    os.environ.setdefault("CDK_VALIDATION", "false")
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "1")

pytest.importorskip("aws_cdk", reason="the cdk extra is not installed (pip install -e '.[cdk]')")
if shutil.which("node") is None:  # pragma: no cover - jsii needs node
    pytest.skip("node is not on PATH (aws-cdk-lib runs on jsii)", allow_module_level=True)

if str(CDK_DIR) not in sys.path:
    sys.path.insert(0, str(CDK_DIR))

# A nightly target so the synthesized dev stack contains a schedule (ids are placeholders).
NIGHTLY_TARGET = {
    "tenant_id": "00000000-0000-0000-0000-000000000001",
    "season_id": "00000000-0000-0000-0000-000000000002",
}


@dataclass
class Synth:
    app: Any
    stack: Any
    template: dict[str, Any]
    outdir: Path
    seconds: float

    def resources(self, type_: str) -> dict[str, dict[str, Any]]:
        return {k: v for k, v in self.template["Resources"].items() if v["Type"] == type_}


@pytest.fixture(scope="session")
def synth(tmp_path_factory: pytest.TempPathFactory) -> Synth:
    import time

    from flextime_cdk.stack import create_app

    context = json.loads((REPO_ROOT / "cdk.json").read_text())["context"]
    context["flextime:environments"] = {"dev": {"nightlyTargets": [NIGHTLY_TARGET]}}
    # Skip the layer's pip bundling: the tests check the template, not the layer's contents.
    context["aws:cdk:bundling-stacks"] = []
    outdir = tmp_path_factory.mktemp("cdk.out")
    started = time.perf_counter()
    app, stack = create_app(context=context, outdir=str(outdir))
    assembly = app.synth()  # raises if cdk-nag reports any unacknowledged finding
    seconds = time.perf_counter() - started
    template = assembly.get_stack_by_name(stack.stack_name).template
    return Synth(app=app, stack=stack, template=template, outdir=outdir, seconds=seconds)
