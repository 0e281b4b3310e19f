"""Heatmap colours follow each scale's direction and range (issue 12, item 1): good and bad, not
above and below the midpoint; a neutral scale in greys; a 0-10 scale centred on its own 5."""

from __future__ import annotations

from cop_eval.report.charts_heatmap import _colour
from cop_eval.report.specs import Heatmap


def _spec() -> Heatmap:
    return Heatmap(
        rows=("HR",),
        columns=("Value", "Strain", "Reliance", "Score"),
        values=((4.5, 4.5, 4.5, 9.0),),
        row_n=(20,),
        vmin=1,
        vmax=5,
        centre=3,
        column_directions=("higher_is_better", "lower_is_better", "neutral", "higher_is_better"),
        column_ranges=((1, 5), (1, 5), (1, 5), (0, 10)),
    )


def test_a_high_value_is_good_or_bad_by_direction() -> None:
    spec = _spec()
    good_high = _colour(spec, 0, 4.5)
    assert _colour(spec, 1, 1.5) == good_high  # low strain is as good as high value
    assert _colour(spec, 1, 4.5) == _colour(spec, 0, 1.5)  # high strain is as bad as low value
    assert _colour(spec, 1, 4.5) != good_high


def test_a_neutral_scale_is_grey_and_ranges_are_the_scales_own() -> None:
    spec = _spec()
    for value in (1.5, 3.0, 4.5):
        r, g, b, _ = _colour(spec, 2, value)
        assert max(r, g, b) - min(r, g, b) < 0.12  # a grey, neither good nor bad
    assert _colour(spec, 2, 1.5) != _colour(spec, 2, 4.5)  # still shows the level
    assert _colour(spec, 3, 9.0) == _colour(spec, 0, 4.6)  # 9 on 0-10 is 4.6 on 1-5
    assert _colour(spec, 3, 5.0) == _colour(spec, 0, 3.0)  # each centred on its own midpoint
