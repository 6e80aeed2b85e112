"""Where a run may write: never the committed figures unless it is the canonical build, never
through a link someone planted, never into a folder another user controls.

Tests marked ``root`` need to run as root (to create a second user and files it cannot write);
CI runs as root.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import FIGURE, make_notebook

from musk_openai.paths import DATA_ENV
from musk_openai.report import runner
from musk_openai.story import params

# -- the canonical build: the committed data, default parameters, every notebook -----------------


def test_a_run_on_a_data_copy_is_not_the_canonical_build(
    tmp_path: Path, data_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """MUSK_OPENAI_DATA=/elsewhere: the figures drawn from that copy never reach figures/."""
    monkeypatch.setenv(DATA_ENV, str(data_copy))
    plan = runner.plan_report(output=tmp_path / "out", lang="en")
    assert not plan.canonical
    assert not params.validate("en", "png,svg", 200, "").canonical


def test_one_notebook_is_not_the_canonical_build(tmp_path: Path) -> None:
    plan = runner.plan_report(output=tmp_path / "out", only=["01"], lang="en")
    assert not plan.canonical
    every = runner.plan_report(output=tmp_path / "out", lang="en")
    assert every.canonical


@pytest.mark.kernel
def test_a_run_on_a_data_copy_leaves_the_figures_root_alone(
    tmp_path: Path, data_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(DATA_ENV, str(data_copy))
    nbs = tmp_path / "notebooks"
    make_notebook(nbs, "01-figure", FIGURE)
    result = runner.run_report(
        notebooks_dir=nbs, output=tmp_path / "out", figures_root=tmp_path / "figs", stream=None
    )
    assert result.exit_code == 0
    assert not (tmp_path / "figs").exists()
    assert "canonical build" not in runner.summary(result)
    assert sorted(p.name for p in (tmp_path / "out" / "figures" / "en").iterdir()) == [
        "01-bars.png",
        "01-bars.svg",
    ]


# -- no write through a link, no folder another user controls ------------------------------------


@pytest.mark.parametrize("dangling", [False, True])
def test_a_lock_that_is_a_link_is_never_followed(tmp_path: Path, dangling: bool) -> None:
    """out/.lock planted as a link to a file (or to a file not there yet): the run is refused
    with one message, and the link's target is neither truncated nor created."""
    from musk_openai.report.runner import outputs

    out = tmp_path / "out"
    out.mkdir()
    target = tmp_path / "precious"
    if not dangling:
        target.write_text("keep me")
    (out / ".lock").symlink_to(target)
    with pytest.raises(outputs.OutputError, match=r"\.lock is a symbolic link"):
        with outputs.locked(out):
            pass
    assert (target.read_text() == "keep me") if not dangling else not target.exists()


def test_a_folder_another_user_owns_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Owned by another user (who could swap .building or .lock for a link mid-run), or open to
    everybody's writes without the sticky bit: refused before anything runs, with why."""
    import os

    from musk_openai.report.runner import outputs

    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.setattr(outputs.os, "geteuid", lambda: os.stat(out).st_uid + 1)
    with pytest.raises(runner.OptionError, match="belongs to another user"):
        runner.plan_report(output=out, lang="en")
    monkeypatch.undo()
    out.chmod(0o777)
    with pytest.raises(runner.OptionError, match="anybody may write into it"):
        runner.plan_report(output=out, lang="en")
    out.chmod(0o1777)  # like /tmp: others write, but cannot remove or replace what is ours
    assert runner.plan_report(output=out, lang="en").output == out.resolve()
    out.chmod(0o775)  # a group's folder (umask 002)
    assert runner.plan_report(output=out, lang="en").output == out.resolve()


def test_a_folder_under_another_users_folder_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whoever owns a folder above the report folder can rename it away mid-run and put a
    folder of links in its place: refused, naming that folder; a parent open to everybody's
    writes without the sticky bit too; /tmp's sticky bit and root's folders are fine."""
    import os

    from musk_openai.report.runner import outputs

    theirs = tmp_path / "theirs"
    (theirs / "out").mkdir(parents=True)
    real_stat = os.stat

    def owned_by_someone_else(path: object, *args: object, **kwargs: object) -> os.stat_result:
        st = real_stat(path, *args, **kwargs)  # type: ignore[arg-type]
        if os.fspath(path) == str(theirs):  # type: ignore[arg-type]
            return os.stat_result((st.st_mode, *st[1:4], 4242, *st[5:]))
        return st

    monkeypatch.setattr(outputs.os, "stat", owned_by_someone_else)
    for out in (theirs / "out", theirs / "new" / "out"):
        with pytest.raises(runner.OptionError, match=f"above it, {theirs}, belongs to another"):
            runner.plan_report(output=out, lang="en")
    monkeypatch.undo()
    open_to_all = tmp_path / "open"
    open_to_all.mkdir()
    open_to_all.chmod(0o777)
    with pytest.raises(runner.OptionError, match="anybody may write into a folder above"):
        runner.plan_report(output=open_to_all / "out", lang="en")
    open_to_all.chmod(0o1777)
    assert runner.plan_report(output=open_to_all / "out", lang="en").output.name == "out"


def test_a_path_that_is_not_text_in_the_locale_is_refused_before_anything_runs(
    tmp_path: Path,
) -> None:
    """Under LC_ALL=C with PYTHONUTF8=0 a non-ASCII name reaches Python as undecodable bytes
    (surrogates), which no kernel parameter, page or log can carry: one clear refusal, with
    what to do, instead of an "unexpected UnicodeEncodeError" after the kernels ran."""
    odd = tmp_path / "caf\udcc3\udca9"  # the bytes of "café", read in the C locale
    with pytest.raises(runner.OptionError, match="--output: got .*PYTHONUTF8=1") as info:
        runner.plan_report(output=odd / "out", lang="en")
    assert "caf\u00e9" in str(info.value)  # shown as the name the user typed
    assert not odd.exists()
