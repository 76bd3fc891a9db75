"""The PDF progress bar's rate and time left."""

from __future__ import annotations

from arreport.render.progress import rate_and_left


def test_progress_rate_is_the_average_since_the_start() -> None:
    assert rate_and_left(10, 100, 5.0) == (2.0, 45.0)
    # a burst of 40 documents handed back at once after 20 s: 2/s, not thousands per second
    assert rate_and_left(40, 100, 20.0) == (2.0, 30.0)
    assert rate_and_left(0, 100, 3.0) == (None, None)
    assert rate_and_left(5, 100, None) == (None, None)
    assert rate_and_left(5, None, 1.0) == (5.0, None)
    assert rate_and_left(120, 100, 10.0) == (12.0, 0.0)
