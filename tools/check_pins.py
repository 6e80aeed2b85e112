"""Lint: pyproject.toml, environment.yml and requirements.lock name the same pinned packages.

Run by ``make lint`` (``python tools/check_pins.py``). Every dependency is pinned with ``==``
(the figures are only byte-reproducible with the same libraries); environment.yml (for conda
users) lists the same versions and ends with ``pip: [-e .]``; requirements.lock (what pip and CI
install) agrees with every pin; psutil, which the project imports itself, is pinned directly.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(specs: list[str]) -> tuple[dict[str, str], list[str]]:
    """``{name: version}`` of ``name==version`` specs, and the specs that are not pinned."""
    found, loose = {}, []
    for spec in specs:
        m = re.fullmatch(r"([A-Za-z0-9_.\-]+)==([^\s;]+)", spec.strip())
        if m:
            found[norm(m.group(1))] = m.group(2)
        else:
            loose.append(spec)
    return found, loose


def problems(root: Path = ROOT) -> list[str]:
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    runtime, loose = pins(project["dependencies"])
    dev, loose_dev = pins(project["optional-dependencies"]["dev"])
    bad = [f"pyproject.toml: {s!r} is not pinned with ==" for s in loose + loose_dev]
    env = yaml.safe_load((root / "environment.yml").read_text())
    deps = env["dependencies"]
    conda_specs = [d for d in deps if isinstance(d, str) and d != "pip" and d[:6] != "python"]
    conda, loose_conda = pins(conda_specs)
    bad += [f"environment.yml: {s!r} is not pinned with ==" for s in loose_conda]
    if conda != runtime:
        differ = sorted(set(conda.items()) ^ set(runtime.items()))
        bad.append(f"environment.yml and pyproject.toml differ: {differ}")
    if "conda-forge" not in env.get("channels", []):
        bad.append("environment.yml: the conda-forge channel is missing")
    if deps[-1] != {"pip": ["-e ."]}:
        bad.append("environment.yml must end with pip: [-e .]")
    lines = (root / "requirements.lock").read_text().splitlines()
    lock, _ = pins([x for x in lines if x and not x.startswith("#")])
    bad += [
        f"requirements.lock has {name}=={lock.get(name)}, pyproject.toml {version}"
        for name, version in (runtime | dev).items()
        if lock.get(name) != version
    ]
    if "psutil" not in runtime:
        bad.append("pyproject.toml: psutil (imported by the project) is not a pinned dependency")
    return bad


def main() -> int:
    bad = problems()
    for line in bad:
        print(f"check_pins: {line}", file=sys.stderr)
    if not bad:
        print("check_pins: pyproject.toml, environment.yml and requirements.lock agree")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
