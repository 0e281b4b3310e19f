"""Candidate themes from comments no codebook theme caught: TF-IDF + NMF (scikit-learn).

The uncoded comments are weighted by TF-IDF (English stop words removed, words in at least two
comments) and factorised by non-negative matrix factorisation with a fixed initialisation
(NNDSVDa) and seed, so the same comments always give the same candidates. Each candidate lists
its top terms and a few redacted example comments; the user names it and adds it to the codebook
(include phrases from its terms).

References
----------
1. Lee, D.D. & Seung, H.S. (1999). Learning the parts of objects by non-negative matrix
   factorization. Nature, 401, 788-791.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from cop_eval.comments.results import CandidateTheme, Quote

if TYPE_CHECKING:
    from cop_eval.comments.analysis import Comment

__all__ = ["MAX_CANDIDATES", "candidate_themes"]

MAX_CANDIDATES = 5
TERMS = 6
EXAMPLES = 2
SEED = 0


def candidate_themes(comments: Sequence[Comment], threshold: int) -> tuple[CandidateTheme, ...]:
    """Up to :data:`MAX_CANDIDATES` candidate themes, when at least ``threshold`` comments are
    uncoded (fewer are read by eye, not modelled)."""
    if len(comments) < max(threshold, 2 * EXAMPLES):
        return ()
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = [c.text.replace("[", " ").replace("]", " ") for c in comments]
    vectoriser = TfidfVectorizer(
        stop_words="english", min_df=2, token_pattern=r"(?u)\b[^\W\d_]{3,}\b"
    )
    try:
        matrix = vectoriser.fit_transform(texts)
    except ValueError:  # no term occurs in two comments
        return ()
    terms = vectoriser.get_feature_names_out()
    markers = {"name", "email", "url", "phone", "number", "postcode", "staff", "nhs"}
    k = max(1, min(MAX_CANDIDATES, len(comments) // threshold, matrix.shape[1] - 1))
    model = NMF(n_components=k, init="nndsvda", random_state=SEED, max_iter=500)
    weights = model.fit_transform(matrix)
    owner = weights.argmax(axis=1)
    out: list[CandidateTheme] = []
    for topic in range(k):
        members = np.flatnonzero((owner == topic) & (weights.max(axis=1) > 0))
        if len(members) < 2:
            continue
        order = np.argsort(-model.components_[topic])
        top = tuple(str(terms[i]) for i in order if terms[i] not in markers)[:TERMS]
        ranked = members[np.argsort(-weights[members, topic], kind="stable")]
        examples = tuple(
            Quote(key=comments[i].key, text=comments[i].text) for i in ranked[:EXAMPLES]
        )
        out.append(CandidateTheme(terms=top, n=len(members), examples=examples))
    out.sort(key=lambda c: (-c.n, c.terms))
    return tuple(out)
