"""Measurement: scale scores, reliability, item statistics, classifications and response quality.

Each function takes survey answers (a DataFrame or :class:`~cop_eval.responses.ResponseSet`) and an
:class:`~cop_eval.instruments.Instrument`, and applies the numeric kernels of :mod:`cop_eval.stats`
per scale.
"""
