"""The report's recommendations for a set of waves, in the order (and so with the numbers) the
report prints them, so that an action can be created from "recommendation 3"."""

from __future__ import annotations

from collections.abc import Sequence

from cop_eval.cycle.inputs import CycleInputs
from cop_eval.errors import OptionError
from cop_eval.instruments import Instrument
from cop_eval.report.model import Recommendation, Recommendations
from cop_eval.responses import ResponseSet

__all__ = ["report_recommendations"]


def _instruments(refs: Sequence[str], responses: Sequence[ResponseSet]) -> tuple[Instrument, ...]:
    if not refs:
        return responses[0].instruments
    from cop_eval.instruments import load_instrument

    chosen = []
    for ref in refs:
        ident = load_instrument(ref).id
        try:
            chosen.append(responses[0].instrument(ident))
        except KeyError as exc:
            held = ", ".join(i.id for i in responses[0].instruments)
            raise OptionError(
                f"the stored waves were not imported with instrument {ident!r}; they hold: {held}"
            ) from exc
    return tuple(chosen)


def report_recommendations(
    responses: Sequence[ResponseSet],
    instruments: Sequence[str] = (),
    *,
    group_column: str | None = None,
    cycle: CycleInputs | None = None,
) -> tuple[Recommendation, ...]:
    """The recommendations the board report makes for these waves, numbered from 1 in order.

    Parameters
    ----------
    responses
        The waves, in time order (e.g. ``Project.load_waves()``).
    instruments
        Instrument ids of the report (default: those of the first wave).
    group_column
        The report's subgroup column (recommendations about subgroups need it).
    cycle
        The project's cycle, as the project's report uses it (its membership changes the
        response rate a recommendation may rest on).
    """
    from cop_eval.report.build import ReportOptions, build_report_model

    if not responses:
        raise OptionError("there are no waves to make recommendations from; import a wave first")
    model = build_report_model(
        list(responses),
        _instruments(instruments, responses),
        ReportOptions(group_column=group_column, cycle=cycle),
    )
    for block in model.blocks():
        if isinstance(block, Recommendations):
            return block.items
    return ()
