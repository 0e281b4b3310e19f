"""Numeric kernels: arrays in, frozen results out. Nothing here imports the rest of cop_eval.

- :mod:`~cop_eval.stats.alpha`: pairwise moments, Cronbach's alpha and its item statistics, Feldt CI.
- :mod:`~cop_eval.stats.omega`: McDonald's omega total from a one-factor minres fit.
- :mod:`~cop_eval.stats.ttests`: paired and Welch t-tests, d_z, d_av, Hedges' g, noncentral-t CIs.
- :mod:`~cop_eval.stats.ranktests`: Wilcoxon signed-rank and Mann–Whitney as R computes them.
- :mod:`~cop_eval.stats.multiplicity`: Holm and Benjamini–Hochberg adjusted p-values.
- :mod:`~cop_eval.stats.proportions` / :mod:`~cop_eval.stats.favourable`: Wilson and Newcombe
  intervals, change in % favourable.
- :mod:`~cop_eval.stats.reml` / :mod:`~cop_eval.stats.trend`: the mixed-model trend over waves.
- :mod:`~cop_eval.stats.reliable_change`: the Jacobson–Truax reliable change index.
- :mod:`~cop_eval.stats.power`: the smallest effect a comparison detects with 80% power, and the n
  needed to detect an effect.
- :mod:`~cop_eval.stats.cfa` (with ``cfa_model``, ``cfa_moments``, ``cfa_indices``): ML
  confirmatory factor analysis in one or several groups, listwise or FIML, lavaan's fit indices.
- :mod:`~cop_eval.stats.invariance`: configural, metric, scalar and partial invariance (Chen 2007).
- :mod:`~cop_eval.stats.verdict`: plain-English verdicts from effect size and uncertainty.
"""
