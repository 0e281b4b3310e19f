"""Wave comparison: what changed between survey waves, for whom, and whether it is real.

- :mod:`~cop_eval.compare.waves`: :func:`compare_waves`, the entry point.
- :mod:`~cop_eval.compare.cells`: the cells of a comparison, per scale and per subgroup.
- :mod:`~cop_eval.compare.results`: the frozen result types and their JSON form.
"""
