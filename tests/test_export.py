"""Chart export: file permissions, atomic writes, and CSVs that are safe in a spreadsheet."""

from __future__ import annotations

import csv
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from matplotlib.figure import Figure

from musk_openai.story import export, params


@pytest.fixture()
def umask() -> Iterator[None]:
    """Restore the process umask after a test that sets it (tests run in one thread)."""
    old = os.umask(0o022)
    os.umask(old)
    yield
    os.umask(old)


def _chart(data: pd.DataFrame | None = None) -> export.Chart:
    fig = Figure(figsize=(2, 1))
    fig.add_subplot().plot([0, 1], [1, 0])
    frame = pd.DataFrame({"label": ["a", "b"], "value": [1.5, -2.0]}) if data is None else data
    return export.Chart("99-test", fig, frame, alt="Line chart: from 1 down to 0.")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize(
    ("mask", "expected"),
    [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)],
    ids=["umask 022", "umask 077", "umask 002"],
)
def test_exported_files_get_the_umask_permissions(
    tmp_path: Path, umask: None, mask: int, expected: int
) -> None:
    os.umask(mask)
    written = export.save(_chart(), params.validate("en", "png,svg,pdf", 50, str(tmp_path)))
    assert sorted(p.name for p in written) == [
        "99-test.alt.txt",
        "99-test.csv",
        "99-test.pdf",
        "99-test.png",
        "99-test.svg",
    ]
    assert {p.name: oct(_mode(p)) for p in written} == {p.name: oct(expected) for p in written}
    assert sorted(tmp_path.iterdir()) == sorted(written), "temporary files left behind"


def test_rewrite_keeps_normal_permissions(tmp_path: Path, umask: None) -> None:
    os.umask(0o022)
    p = params.validate("en", "png", 50, str(tmp_path))
    export.save(_chart(), p)
    written = export.save(_chart(), p)  # replaces the files of the first run
    assert [oct(_mode(x)) for x in written] == [oct(0o644)] * 3


@pytest.mark.parametrize("failing", ["png", "svg"])
def test_failed_savefig_leaves_no_temporary_file(
    tmp_path: Path, umask: None, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    os.umask(0o022)
    chart = _chart()
    real_savefig = chart.fig.savefig

    def savefig(fname: Path, *args: object, format: str, **kwargs: object) -> None:
        if format == failing:
            Path(fname).write_bytes(b"half a file")  # the failure comes mid-write
            raise OSError("disk full")
        real_savefig(fname, *args, format=format, **kwargs)

    monkeypatch.setattr(chart.fig, "savefig", savefig)
    with pytest.raises(OSError, match="disk full"):
        export.save(chart, params.validate("en", "png,svg", 50, str(tmp_path)))
    assert list(tmp_path.iterdir()) == [], "a temporary or half-written file was left"


def test_failed_save_keeps_the_previous_export(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    p = params.validate("en", "png", 50, str(tmp_path))
    before = {x.name: x.read_bytes() for x in export.save(_chart(), p)}
    chart = _chart(pd.DataFrame({"label": ["changed"]}))

    def boom(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(chart.fig, "savefig", boom)
    with pytest.raises(OSError):
        export.save(chart, p)
    assert {x.name: x.read_bytes() for x in tmp_path.iterdir()} == before


def test_csv_text_cells_cannot_run_as_formulas(tmp_path: Path) -> None:
    data = pd.DataFrame(
        {
            "text": ["=1+1", "+33", "-x", "@SUM(A1)", "\tTAB", "plain text", "a=b-c"],
            "value": [-5.0, 1.5, -0.25, 0.0, 2.0, 86e9, -1.0],
            "count": [-3, 1, 2, 3, 4, 5, 6],
        }
    )
    written = export.save(_chart(data), params.validate("en", "png", 50, str(tmp_path)))
    csv_path = next(p for p in written if p.suffix == ".csv")
    with csv_path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["text", "value", "count"]
    assert [r[0] for r in rows[1:]] == [
        "'=1+1",
        "'+33",
        "'-x",
        "'@SUM(A1)",
        "'\tTAB",
        "plain text",
        "a=b-c",
    ]
    # Numbers stay numbers, negative ones included, in the usual format.
    assert [r[1] for r in rows[1:]] == [
        "-5.0",
        "1.5",
        "-0.25",
        "0.0",
        "2.0",
        "86000000000.0",
        "-1.0",
    ]
    assert [r[2] for r in rows[1:]] == ["-3", "1", "2", "3", "4", "5", "6"]
    # The chart's own data is not changed.
    assert data["text"].iloc[0] == "=1+1"


def test_csv_writes_whole_numbers_as_integers_and_the_alt_text(tmp_path: Path) -> None:
    data = pd.DataFrame({"value": [100e6, 6.6e9, None], "share": [0.5, 1.0, 0.25], "n": [1, 2, 3]})
    written = export.save(_chart(data), params.validate("en", "png", 50, str(tmp_path)))
    text = (tmp_path / "99-test.csv").read_text(encoding="utf-8")
    assert text.splitlines() == ["value,share,n", "100000000,0.5,1", "6600000000,1.0,2", ",0.25,3"]
    alt = next(p for p in written if p.name == "99-test.alt.txt")
    assert alt.read_text(encoding="utf-8") == "Line chart: from 1 down to 0.\n"
    assert data["value"].dtype == "float64", "the chart's own data is not changed"


def test_shown_image_carries_its_alt_text(tmp_path: Path) -> None:
    written = export.save(_chart(), params.validate("en", "png,svg", 50, str(tmp_path)))
    image = export.show(written, "Line chart: from 1 down to 0.")
    _, metadata = image._repr_mimebundle_()  # type: ignore[attr-defined]
    assert metadata["image/png"]["alt"] == "Line chart: from 1 down to 0."
    svg_only = [p for p in written if p.suffix != ".png"]
    assert export.show(svg_only, "an alt").metadata == {"alt": "an alt"}  # type: ignore[attr-defined]


def test_csv_safe_leaves_numbers_and_missing_values() -> None:
    data = pd.DataFrame(
        {
            "mixed": pd.Series(["-x", -2, 3.5, None], dtype=object),
            "date": pd.to_datetime(["2024-10-01", "2015-01-01", None, "2018-01-01"]),
            "=header": ["ok", "-", "\rCR", None],
        }
    )
    safe = export.csv_safe(data)
    assert safe["mixed"].tolist()[:3] == ["'-x", -2, 3.5]
    assert pd.isna(safe["mixed"].iloc[3])
    assert safe["date"].equals(data["date"])
    assert list(safe.columns) == ["mixed", "date", "'=header"]
    assert safe["'=header"].tolist()[:3] == ["ok", "'-", "'\rCR"]
    assert pd.isna(safe["'=header"].iloc[3])
    assert list(data.columns) == ["mixed", "date", "=header"], "the input frame was changed"


def test_csv_safe_returns_clean_frames_unchanged() -> None:
    data = pd.DataFrame({"label": ["a", "b"], "value": [-1.0, 2.0]})
    assert export.csv_safe(data) is data
