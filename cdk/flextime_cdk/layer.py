"""The shared package ``flextime`` as a Lambda layer with its dependencies, built WITHOUT Docker.

Local bundling pip-installs the layer's requirements for Lambda python3.12 on arm64
(``--platform manylinux*_aarch64 --only-binary=:all:``: wheels only, nothing compiled here) into
``<asset>/python``, copies the package source next to them and prunes tests and caches. The
requirements are read from pyproject.toml (base dependencies + the extras in
``constants.LAYER_EXTRAS``), pinned by constraints.txt. The asset hash is computed from those
inputs, so a ``cdk synth`` into an existing cdk.out reuses the bundle instead of reinstalling.

Skipping bundling (``cdk synth --exclusively`` of another stack, or the tests' context
``aws:cdk:bundling-stacks=[]``) stages the package source only; that asset is not deployable.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import jsii
from aws_cdk import AssetHashType, BundlingOptions, DockerImage, ILocalBundling, RemovalPolicy
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from flextime_cdk import constants

_IGNORED = ["*.egg-info", "__pycache__", "*.pyc"]


def layer_requirements() -> list[str]:
    """Requirement strings for the layer: pyproject's base deps + LAYER_EXTRAS, minus exclusions."""
    project = tomllib.loads(constants.PYPROJECT.read_text(encoding="utf-8"))["project"]
    extras: dict[str, list[str]] = project.get("optional-dependencies", {})
    requirements = list(project.get("dependencies", []))
    for extra in constants.LAYER_EXTRAS:
        requirements += extras.get(extra, [])
    kept: list[str] = []
    for requirement in requirements:
        name = requirement.split("[")[0].split(">")[0].split("<")[0].split("=")[0].strip().lower()
        if name not in constants.LAYER_EXCLUDED_DISTRIBUTIONS and requirement not in kept:
            kept.append(requirement)
    return kept


def layer_fingerprint() -> str:
    """Hash of everything that goes into the layer: requirements, pins, platform, package source."""
    digest = hashlib.sha256()
    digest.update("\n".join(layer_requirements()).encode())
    digest.update(constants.CONSTRAINTS.read_bytes() if constants.CONSTRAINTS.exists() else b"")
    digest.update(" ".join(constants.LAYER_PIP_PLATFORMS).encode())
    package = constants.LAYER_SOURCE_DIR / "flextime"
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            digest.update(str(path.relative_to(package)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


@jsii.implements(ILocalBundling)
class PipLayerBundling:
    """``ILocalBundling`` that builds the layer with the local pip (no Docker)."""

    def try_bundle(self, output_dir: str, options: BundlingOptions) -> bool:
        target = Path(output_dir) / "python"
        target.mkdir(parents=True, exist_ok=True)
        platforms = [arg for tag in constants.LAYER_PIP_PLATFORMS for arg in ("--platform", tag)]
        command = [
            sys.executable, "-m", "pip", "install", "--quiet", "--no-compile",
            "--target", str(target), "--implementation", "cp",
            "--python-version", constants.LAMBDA_PYTHON_VERSION, "--only-binary=:all:", *platforms,
        ]  # fmt: skip
        if constants.CONSTRAINTS.exists():
            command += ["--constraint", str(constants.CONSTRAINTS)]
        subprocess.run([*command, *layer_requirements()], check=True)
        for name in constants.LAYER_EXCLUDED_DISTRIBUTIONS:
            for path in target.glob(f"{name}*"):
                shutil.rmtree(path, ignore_errors=True)
        shutil.copytree(
            constants.LAYER_SOURCE_DIR / "flextime",
            target / "flextime",
            ignore=shutil.ignore_patterns(*_IGNORED),
            dirs_exist_ok=True,
        )
        for pruned in constants.LAYER_PRUNED_DIRS:
            for path in sorted(target.rglob(pruned), reverse=True):
                if path.is_dir():
                    shutil.rmtree(path, ignore_errors=True)
        return True


class SharedLayer(Construct):
    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        self.layer = lambda_.LayerVersion(
            self,
            "Layer",
            description="flextime package and its dependencies (python3.12, arm64)",
            code=lambda_.Code.from_asset(
                str(constants.LAYER_SOURCE_DIR),
                exclude=_IGNORED,
                asset_hash_type=AssetHashType.CUSTOM,
                asset_hash=layer_fingerprint(),
                bundling=BundlingOptions(
                    # Only used if local bundling declines, which it never does.
                    image=DockerImage.from_registry("public.ecr.aws/sam/build-python3.12:latest-arm64"),
                    local=PipLayerBundling(),
                ),
            ),
            compatible_runtimes=[lambda_.Runtime.PYTHON_3_12],
            compatible_architectures=[lambda_.Architecture.ARM_64],
            removal_policy=RemovalPolicy.RETAIN,
        )
