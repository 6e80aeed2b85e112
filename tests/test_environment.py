"""pyproject.toml, environment.yml and requirements.lock name the same pinned packages."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata

import yaml

from musk_openai.paths import PROJECT_ROOT


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins(specs: list[str]) -> dict[str, str]:
    out = {}
    for spec in specs:
        m = re.fullmatch(r"([A-Za-z0-9_.\-]+)==([^\s;]+)", spec.strip())
        assert m, f"{spec!r} is not pinned with =="
        out[_norm(m.group(1))] = m.group(2)
    return out


def test_environment_yml_matches_pyproject() -> None:
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    env = yaml.safe_load((PROJECT_ROOT / "environment.yml").read_text())
    deps = env["dependencies"]
    conda = [d for d in deps if isinstance(d, str) and d not in ("pip",) and "python" != d[:6]]
    assert _pins(conda) == _pins(project["dependencies"])
    assert "conda-forge" in env["channels"]
    assert deps[-1] == {"pip": ["-e ."]}, "environment.yml must end with pip: [-e .]"


def test_lock_agrees_with_pins() -> None:
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    wanted = _pins(project["dependencies"] + project["optional-dependencies"]["dev"])
    lines = (PROJECT_ROOT / "requirements.lock").read_text().splitlines()
    lock = _pins([x for x in lines if x and not x.startswith("#")])
    for name, version in wanted.items():
        assert lock.get(name) == version, f"requirements.lock has {name}=={lock.get(name)}"


def test_psutil_is_a_pinned_direct_dependency() -> None:
    """The project imports psutil itself: it is pinned directly, not left to ipykernel's range."""
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    pins = _pins(project["dependencies"])
    lines = (PROJECT_ROOT / "requirements.lock").read_text().splitlines()
    lock = _pins([x for x in lines if x and not x.startswith("#")])
    assert "psutil" in pins, "psutil is missing from [project] dependencies"
    assert pins["psutil"] == lock["psutil"] == metadata.version("psutil")
