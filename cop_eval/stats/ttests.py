"""Two-wave tests and effect sizes: paired and Welch t-tests, d_z, d_av, Hedges' g.

The rank checks (:mod:`cop_eval.stats.ranktests`), Holm/BH (:mod:`cop_eval.stats.multiplicity`)
and the item-level % favourable change (:mod:`cop_eval.stats.favourable`) live in their own modules.

Every function takes plain arrays (the later wave first is *not* assumed: arguments are named
``earlier`` and ``later``) and returns a frozen result. Differences are always *later minus
earlier*, so a positive difference is an increase. Missing values (NaN) are dropped; paired
functions drop a pair when either value is missing. Nothing here reads files or rounds.

Reference values: ``tests/reference/waves.R`` (R 4.2.2 ``t.test``, ``wilcox.test``; effect sizes
written out as ``effectsize`` computes them).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import special

from cop_eval.stats.distributions import t_quantile, t_sf
from cop_eval.stats.roots import brent_root

__all__ = [
    "PairedTest",
    "WelchTest",
    "hedges_j",
    "noncentral_t_ci",
    "paired_test",
    "welch_test",
]

FloatArray = npt.NDArray[np.float64]


def _as_float(values: npt.ArrayLike) -> FloatArray:
    return np.asarray(values, dtype=np.float64).ravel()


def _finite(x: FloatArray) -> FloatArray:
    """``x`` without its NaN and infinite values (``x`` itself, not a copy, when it has none)."""
    keep = np.isfinite(x)
    return x if keep.all() else x[keep]


def _t_ci(estimate: float, se: float, df: float, level: float) -> tuple[float, float]:
    if not (se > 0 and df > 0):
        return (math.nan, math.nan)
    q = float(t_quantile(0.5 + level / 2, df))
    return (estimate - q * se, estimate + q * se)


# ---------------------------------------------------------------------------------------------
# Noncentral-t interval for standardised mean differences
# ---------------------------------------------------------------------------------------------


def noncentral_t_ci(t: float, df: float, level: float = 0.95) -> tuple[float, float]:
    """Confidence interval for the noncentrality parameter of an observed t.

    Parameters
    ----------
    t, df
        Observed t statistic and its degrees of freedom.
    level
        Confidence level.

    Returns
    -------
    (lo, hi)
        ``lo`` solves :math:`P(T_{df,\\lambda} \\le t) = 1 - \\alpha/2`, ``hi`` solves
        :math:`P(T_{df,\\lambda} \\le t) = \\alpha/2` (test inversion, "pivoting the cdf").

    Notes
    -----
    Scaled by the design constant this gives the interval for d: ``sqrt(1/n1 + 1/n2)`` for
    two groups, ``1/sqrt(n)`` for d_z. It is the method of R's ``effectsize::cohens_d`` and
    ``hedges_g`` (which solve the same equations with ``uniroot`` on ``pt(t, df, ncp)``).

    References
    ----------
    .. [1] Steiger, J. H. & Fouladi, R. T. (1997). Noncentrality interval estimation and the
       evaluation of statistical models. In Harlow, Mulaik & Steiger (eds.), What if there
       were no significance tests? Erlbaum, 221-257.
    .. [2] Goulet-Pelletier, J.-C. & Cousineau, D. (2018). A review of effect sizes and their
       confidence intervals, Part I: the Cohen's d family. TQMP 14(4), 242-265.

    Examples
    --------
    >>> lo, hi = noncentral_t_ci(4.062128, 9)   # sleep data, paired: d_z CI = (lo, hi)/sqrt(10)
    >>> round(lo / 10**0.5, 3), round(hi / 10**0.5, 3)
    (0.415, 2.118)
    """
    if not (math.isfinite(t) and df > 0):
        return (math.nan, math.nan)
    alpha = 1 - level

    def root(prob: float) -> float:
        def f(ncp: float) -> float:
            cdf = float(special.nctdtr(df, ncp, t))
            if not math.isfinite(cdf):  # far tails: scipy may return NaN where cdf is ~0 or ~1
                cdf = 1.0 if ncp < t else 0.0
            return cdf - prob

        width = 10 + 2 * abs(t)
        return brent_root(f, t - width, t + width, xtol=1e-13, rtol=1e-15)

    return (root(1 - alpha / 2), root(alpha / 2))


def hedges_j(df: float) -> float:
    """Hedges' small-sample correction :math:`J(df) = \\Gamma(df/2) / (\\sqrt{df/2}\\,\\Gamma((df-1)/2))`.

    References
    ----------
    .. [1] Hedges, L. V. (1981). Distribution theory for Glass's estimator of effect size and
       related estimators. Journal of Educational Statistics 6(2), 107-128, eq. 6e.

    Examples
    --------
    >>> round(hedges_j(18), 6)   # In R: exp(lgamma(9) - log(sqrt(9)) - lgamma(8.5))
    0.957646
    """
    if df <= 1:
        return math.nan
    return math.exp(
        special.gammaln(df / 2) - math.log(math.sqrt(df / 2)) - special.gammaln((df - 1) / 2)
    )


# ---------------------------------------------------------------------------------------------
# t-tests with effect sizes
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PairedTest:
    """Paired t-test on ``later - earlier`` with standardised effect sizes.

    Attributes
    ----------
    d_z, d_z_ci
        Mean difference over the SD of the differences, with the noncentral-t interval.
    d_av
        Mean difference over the average of the two SDs (Lakens 2013, eq. 10); comparable with
        between-subjects d. No interval: no exact one exists (Algina & Keselman 2003).
    """

    n: int
    mean_earlier: float
    mean_later: float
    sd_earlier: float
    sd_later: float
    mean_diff: float
    sd_diff: float
    ci: tuple[float, float]
    statistic: float
    df: float
    p: float
    d_z: float
    d_z_ci: tuple[float, float]
    d_av: float


def paired_test(earlier: npt.ArrayLike, later: npt.ArrayLike, level: float = 0.95) -> PairedTest:
    """Paired t-test of ``later - earlier``, with d_z (and its CI) and d_av.

    Parameters
    ----------
    earlier, later
        Scores of the same respondents in two waves (aligned); pairs with a missing value are
        dropped.
    level
        Confidence level of both intervals.

    Notes
    -----
    With differences :math:`D_i`: :math:`t = \\bar D / (s_D/\\sqrt n)`, df = n − 1;
    :math:`d_z = \\bar D / s_D = t/\\sqrt n`; :math:`d_{av} = \\bar D / ((s_1 + s_2)/2)`.
    The d_z interval is the noncentral-t interval of :func:`noncentral_t_ci` divided by √n.

    References
    ----------
    .. [1] Lakens, D. (2013). Calculating and reporting effect sizes to facilitate cumulative
       science: a practical primer for t-tests and ANOVAs. Frontiers in Psychology 4, 863
       (eqs. 7 and 10).

    Examples
    --------
    >>> d1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
    >>> d2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]
    >>> r = paired_test(d1, d2)   # In R: t.test(d2, d1, paired = TRUE) on datasets::sleep
    >>> round(r.statistic, 4), round(r.p, 5), round(r.d_z, 4)
    (4.0621, 0.00283, 1.2846)
    """
    a, b = _as_float(earlier), _as_float(later)
    if a.size != b.size:
        raise ValueError(f"paired samples differ in length: {a.size} and {b.size}")
    keep = np.isfinite(a) & np.isfinite(b)
    a, b = a[keep], b[keep]
    n = int(a.size)
    d = b - a
    nan2 = (math.nan, math.nan)
    if n < 2:
        mean_diff = float(d.mean()) if n else math.nan
        return PairedTest(
            n=n,
            mean_earlier=_mean_sd(a)[0],
            mean_later=_mean_sd(b)[0],
            sd_earlier=math.nan,
            sd_later=math.nan,
            mean_diff=mean_diff,
            sd_diff=math.nan,
            ci=nan2,
            statistic=math.nan,
            df=math.nan,
            p=math.nan,
            d_z=math.nan,
            d_z_ci=nan2,
            d_av=math.nan,
        )
    mean_diff = float(d.mean())
    sd_diff = float(d.std(ddof=1))
    m1, s1 = _mean_sd(a)
    m2, s2 = _mean_sd(b)
    df = float(n - 1)
    se = sd_diff / math.sqrt(n)
    if se > 0:
        t = mean_diff / se
        p = float(2 * t_sf(abs(t), df))
        d_z = mean_diff / sd_diff
        lo, hi = noncentral_t_ci(t, df, level)
        d_z_ci = (lo / math.sqrt(n), hi / math.sqrt(n))
    else:
        t, p, d_z, d_z_ci = math.nan, math.nan, math.nan, nan2
    avg_sd = (s1 + s2) / 2
    d_av = mean_diff / avg_sd if avg_sd > 0 else math.nan
    return PairedTest(
        n=n,
        mean_earlier=m1,
        mean_later=m2,
        sd_earlier=s1,
        sd_later=s2,
        mean_diff=mean_diff,
        sd_diff=sd_diff,
        ci=_t_ci(mean_diff, se, df, level),
        statistic=t,
        df=df,
        p=p,
        d_z=d_z,
        d_z_ci=d_z_ci,
        d_av=d_av,
    )


def _mean_sd(x: FloatArray) -> tuple[float, float]:
    n = x.size
    mean = float(x.mean()) if n else math.nan
    sd = float(x.std(ddof=1)) if n > 1 else math.nan
    return mean, sd


@dataclass(frozen=True)
class WelchTest:
    """Welch's t-test of ``later`` against ``earlier`` (independent samples) with Hedges' g.

    Attributes
    ----------
    hedges_g, hedges_g_ci
        Standardised difference with the pooled SD, times Hedges' J; the interval is the
        noncentral-t interval for d (pooled t, df = n1 + n2 − 2) times J, as in R's
        ``effectsize::hedges_g``.
    cohens_d
        The same without the small-sample correction.
    """

    n_earlier: int
    n_later: int
    mean_earlier: float
    mean_later: float
    sd_earlier: float
    sd_later: float
    mean_diff: float
    ci: tuple[float, float]
    statistic: float
    df: float
    p: float
    cohens_d: float
    hedges_g: float
    hedges_g_ci: tuple[float, float]


def welch_test(earlier: npt.ArrayLike, later: npt.ArrayLike, level: float = 0.95) -> WelchTest:
    """Welch's unequal-variance t-test of ``later - earlier`` with Hedges' g and its CI.

    Parameters
    ----------
    earlier, later
        Scores in two waves, respondents not linked; missing values are dropped.
    level
        Confidence level of both intervals.

    Notes
    -----
    :math:`t = (\\bar x_l - \\bar x_e) / \\sqrt{s_l^2/n_l + s_e^2/n_e}` with Welch–Satterthwaite
    df. :math:`g = J(n_l + n_e - 2)\\,(\\bar x_l - \\bar x_e)/s_p`, :math:`s_p` the pooled SD;
    its interval is the noncentral-t interval for the pooled t scaled by
    :math:`\\sqrt{1/n_l + 1/n_e}` and by J.

    References
    ----------
    .. [1] Welch, B. L. (1947). The generalization of "Student's" problem when several different
       population variances are involved. Biometrika 34, 28-35.
    .. [2] Hedges, L. V. & Olkin, I. (1985). Statistical Methods for Meta-Analysis. Academic
       Press, ch. 5.
    .. [3] Goulet-Pelletier, J.-C. & Cousineau, D. (2018). TQMP 14(4), 242-265.

    Examples
    --------
    >>> d1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
    >>> d2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]
    >>> r = welch_test(d1, d2)   # In R: t.test(d2, d1, var.equal = FALSE)
    >>> round(r.statistic, 4), round(r.df, 4), round(r.hedges_g, 4)
    (1.8608, 17.7765, 0.7969)
    """
    e, l_ = _finite(_as_float(earlier)), _finite(_as_float(later))
    n_e, n_l = int(e.size), int(l_.size)
    m_e, s_e = _mean_sd(e)
    m_l, s_l = _mean_sd(l_)
    mean_diff = m_l - m_e
    nan2 = (math.nan, math.nan)
    if n_e < 2 or n_l < 2:
        return WelchTest(
            n_e,
            n_l,
            m_e,
            m_l,
            s_e,
            s_l,
            mean_diff,
            nan2,
            math.nan,
            math.nan,
            math.nan,
            math.nan,
            math.nan,
            nan2,
        )
    v_e, v_l = s_e**2 / n_e, s_l**2 / n_l
    se = math.sqrt(v_e + v_l)
    if se > 0:
        t = mean_diff / se
        df = (v_e + v_l) ** 2 / (v_e**2 / (n_e - 1) + v_l**2 / (n_l - 1))
        p = float(2 * t_sf(abs(t), df))
    else:
        t = df = p = math.nan
    df_pooled = n_e + n_l - 2
    sp = math.sqrt(((n_e - 1) * s_e**2 + (n_l - 1) * s_l**2) / df_pooled)
    if sp > 0:
        d = mean_diff / sp
        scale = math.sqrt(1 / n_e + 1 / n_l)
        lo, hi = noncentral_t_ci(d / scale, df_pooled, level)
        j = hedges_j(df_pooled)
        g, g_ci = d * j, (lo * scale * j, hi * scale * j)
    else:
        d = g = math.nan
        g_ci = nan2
    return WelchTest(
        n_earlier=n_e,
        n_later=n_l,
        mean_earlier=m_e,
        mean_later=m_l,
        sd_earlier=s_e,
        sd_later=s_l,
        mean_diff=mean_diff,
        ci=_t_ci(mean_diff, se, df, level),
        statistic=t,
        df=df,
        p=p,
        cohens_d=d,
        hedges_g=g,
        hedges_g_ci=g_ci,
    )
