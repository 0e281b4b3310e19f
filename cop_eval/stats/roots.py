"""Brent's method for a root in a bracket, as ``scipy.optimize.brentq`` computes it.

The statistics need one bracketed root finder (noncentral-t confidence limits, the REML score);
importing ``scipy.optimize`` for it costs more than the command that uses it (it pulls in
``scipy.linalg`` and ``scipy.sparse``), so the algorithm is here: Brent (1973), chapter 4, the
"zeroin" that ``brentq`` implements (inverse quadratic interpolation, secant, bisection).
tests/stats/test_roots.py checks it against ``brentq``.

References
----------
.. [1] Brent, R. P. (1973). Algorithms for Minimization without Derivatives. Prentice-Hall, ch. 4.
"""

from __future__ import annotations

import math
from collections.abc import Callable

__all__ = ["brent_root"]


def brent_root(
    f: Callable[[float], float],
    a: float,
    b: float,
    *,
    xtol: float = 2e-12,
    rtol: float = 8.881784197001252e-16,
    maxiter: int = 100,
    fa: float | None = None,
    fb: float | None = None,
) -> float:
    """A root of ``f`` in ``[a, b]``, where ``f(a)`` and ``f(b)`` differ in sign.

    Stops when the bracket is narrower than ``xtol + rtol * |x|`` (``brentq``'s tolerances).
    ``fa`` and ``fb``, when given, are taken as ``f(a)`` and ``f(b)`` instead of evaluating
    them: a caller that bracketed the root with values computed another way (e.g. in a batch,
    whose last bits may differ) keeps its bracket where ``f`` is zero to rounding at an end.

    Raises
    ------
    ValueError
        ``f(a)`` and ``f(b)`` have the same sign (no bracket).
    RuntimeError
        No convergence in ``maxiter`` steps (as ``brentq``).

    Examples
    --------
    >>> round(brent_root(lambda x: x * x - 2, 0.0, 2.0), 12)   # scipy.optimize.brentq
    1.414213562373
    """
    xpre, xcur = a, b
    fpre = f(xpre) if fa is None else fa
    fcur = f(xcur) if fb is None else fb
    if fpre == 0:
        return xpre
    if fcur == 0:
        return xcur
    if math.copysign(1, fpre) == math.copysign(1, fcur):
        raise ValueError("f(a) and f(b) must have different signs")
    xblk = fblk = spre = scur = 0.0
    for _ in range(maxiter):
        if fpre != 0 and fcur != 0 and math.copysign(1, fpre) != math.copysign(1, fcur):
            xblk, fblk = xpre, fpre
            spre = scur = xcur - xpre
        if abs(fblk) < abs(fcur):
            xpre, xcur, xblk = xcur, xblk, xcur
            fpre, fcur, fblk = fcur, fblk, fcur
        delta = (xtol + rtol * abs(xcur)) / 2
        sbis = (xblk - xcur) / 2
        if fcur == 0 or abs(sbis) < delta:
            return xcur
        if abs(spre) > delta and abs(fcur) < abs(fpre):
            if xpre == xblk:  # secant
                stry = -fcur * (xcur - xpre) / (fcur - fpre)
            else:  # inverse quadratic interpolation
                dpre = (fpre - fcur) / (xpre - xcur)
                dblk = (fblk - fcur) / (xblk - xcur)
                stry = -fcur * (fblk * dblk - fpre * dpre) / (dblk * dpre * (fblk - fpre))
            if 2 * abs(stry) < min(abs(spre), 3 * abs(sbis) - delta):
                spre, scur = scur, stry  # accept the interpolation step
            else:
                spre = scur = sbis  # bisect
        else:
            spre = scur = sbis
        xpre, fpre = xcur, fcur
        xcur += scur if abs(scur) > delta else (delta if sbis > 0 else -delta)
        fcur = f(xcur)
    raise RuntimeError(f"no root found to the tolerance in {maxiter} iterations")
