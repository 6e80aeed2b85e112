"""musk_openai.story.params: every bad notebook parameter is refused with a message naming it."""

from __future__ import annotations

import pandas as pd
import pytest

from musk_openai.story import params, queries


@pytest.mark.parametrize(
    ("kwargs", "says"),
    [
        ({"lang": "de"}, "parameter 'lang': got 'de'; allowed: fr, en"),
        ({"formats": "png,gif"}, "parameter 'formats': got 'png,gif'; 'gif' is not one of"),
        ({"formats": ""}, "parameter 'formats'"),
        ({"dpi": 20}, "parameter 'dpi': got 20; allowed: a whole number from 50 to 600"),
        ({"dpi": "200"}, "parameter 'dpi': got '200'"),
    ],
)
def test_bad_parameters_are_named(kwargs: dict[str, object], says: str) -> None:
    args: dict[str, object] = {"lang": "fr", "formats": "png", "dpi": 100} | kwargs
    with pytest.raises(params.ParameterError) as err:
        params.validate(**args)
    assert says in str(err.value)


def test_window_parameters() -> None:
    assert params.check_window("2015", "2024-06") == ("2015", "2024-06")
    with pytest.raises(params.ParameterError, match="parameter 'start': got '15'"):
        params.check_window("15", "2024")
    with pytest.raises(params.ParameterError, match="start must not be after end"):
        params.check_window("2024-07", "2024-06")


def test_window_spans_whole_years_and_months() -> None:
    """The timeline's window: checked by params, from the first day of start to the last of end."""
    assert queries.window("2015", "2024") == (
        pd.Timestamp("2015-01-01"),
        pd.Timestamp("2024-12-31"),
    )
    assert queries.window(2024, "2024-02") == (
        pd.Timestamp("2024-01-01"),
        pd.Timestamp("2024-02-29"),
    )
    with pytest.raises(params.ParameterError, match="start must not be after end"):
        queries.window("2024-07", "2024-06")
