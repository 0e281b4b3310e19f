"""The texts the methods appendix cites: what each instrument status means, and the references."""

from __future__ import annotations

__all__ = ["REFERENCES", "STATUS_WORDS"]

#: What each instrument status means, for the instruments table's caption.
STATUS_WORDS = {
    "validated": "validated (published evidence of validity)",
    "adapted": "adapted (a validated instrument changed for this use)",
    "seed-derived": "seed-derived (written by the cop-eval project from a published framework; "
    "not validated)",
    "custom": "custom (written by its user; not validated)",
}

#: Every reference the methods text may cite, by key.
REFERENCES = {
    "griggs": "Griggs, V. and Allen, J. (2018). The value of an HR professional group for "
    "organizational learning. International Journal of HRD Practice, Policy and Research 3(1), "
    "43-57.",
    "le_may": "le May, A. (ed.) (2009). Communities of Practice in Health and Social Care. "
    "Wiley-Blackwell.",
    "mcdermott": "McDermott, R. (1999). Learning across teams: how to build communities of "
    "practice in team-based organizations. Knowledge Management Review 8, 32-36; as adapted in "
    "Lewis-Smith, A. M., A Community of Practice, doctoral thesis, University of Southampton "
    "(Table 6.2).",
    "cronbach": "Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests. "
    "Psychometrika 16, 297-334.",
    "feldt": "Feldt, L. S., Woodruff, D. J. and Salih, F. A. (1987). Statistical inference for "
    "coefficient alpha. Applied Psychological Measurement 11, 93-103.",
    "mcdonald": "McDonald, R. P. (1999). Test Theory: A Unified Treatment. Lawrence Erlbaum.",
    "revelle": "Revelle, W. (2022). psych: Procedures for Psychological, Psychometric, and "
    "Personality Research. R package version 2.2.9.",
    "welch": "Welch, B. L. (1947). The generalization of 'Student's' problem when several "
    "different population variances are involved. Biometrika 34, 28-35.",
    "hedges": "Hedges, L. V. (1981). Distribution theory for Glass's estimator of effect size "
    "and related estimators. Journal of Educational Statistics 6, 107-128.",
    "lakens": "Lakens, D. (2013). Calculating and reporting effect sizes to facilitate "
    "cumulative science: a practical primer for t-tests and ANOVAs. Frontiers in Psychology 4, "
    "863.",
    "cohen": "Cohen, J. (1988). Statistical Power Analysis for the Behavioral Sciences (2nd "
    "ed.). Lawrence Erlbaum.",
    "holm": "Holm, S. (1979). A simple sequentially rejective multiple test procedure. "
    "Scandinavian Journal of Statistics 6, 65-70.",
    "wilcoxon": "Wilcoxon, F. (1945). Individual comparisons by ranking methods. Biometrics "
    "Bulletin 1, 80-83.",
    "mann_whitney": "Mann, H. B. and Whitney, D. R. (1947). On a test of whether one of two "
    "random variables is stochastically larger than the other. Annals of Mathematical "
    "Statistics 18, 50-60.",
    "jacobson": "Jacobson, N. S. and Truax, P. (1991). Clinical significance: a statistical "
    "approach to defining meaningful change in psychotherapy research. Journal of Consulting "
    "and Clinical Psychology 59, 12-19.",
    "wilson": "Wilson, E. B. (1927). Probable inference, the law of succession, and "
    "statistical inference. Journal of the American Statistical Association 22, 209-212.",
    "patterson": "Patterson, H. D. and Thompson, R. (1971). Recovery of inter-block information "
    "when block sizes are unequal. Biometrika 58, 545-554.",
}
