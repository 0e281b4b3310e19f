"""Two simulated coders' codes of the sample comments, for the demo's inter-rater agreement.

Writes ``sample_data/comment_codes.csv`` (``coder,comment,themes``: a comment key as the coding
sheet has it, themes joined by ``;``), which ``cop-eval demo`` stores as comments coded by hand,
so the demo report shows Cohen's kappa per theme with its n.

Both coders are simulated, and said to be in the README and the report's data note:

* **Coder A** codes each comment with the theme its writer meant: the theme of the phrase bank
  (:mod:`sample_data.comments`) the text was drawn from; where the phrase carries no theme of the
  codebook (the "what did you apply" and "say" answers, redacted texts), the automatic coding's.
* **Coder B** starts from A's codes and, from its own random stream, drops each of them with
  probability 0.12 and adds a theme A did not give with probability 0.02 per comment (a theme
  of the codebook picked at random): a second reader who mostly agrees.

The comment keys are those the demo project stores, so the script imports the sample waves
into a temporary project first (as ``cop-eval demo`` does). Run it again after changing the
sample data; the same seed gives the same file::

    .venv/bin/python sample_data/coding.py
"""

from __future__ import annotations

import csv
import io
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent
if str(ROOT.parent) not in sys.path:
    sys.path.insert(0, str(ROOT.parent))

from cop_eval.comments.codebook import load_codebook  # noqa: E402
from cop_eval.comments.coding import Coder  # noqa: E402
from cop_eval.demo import CODES_FILE, run_demo  # noqa: E402
from cop_eval.store import Project  # noqa: E402
from sample_data.comments import _IMPROVE  # noqa: E402

SEED = 20250316
CODERS = ("Coder A", "Coder B")
DROP, ADD = 0.12, 0.02


def _meant(themes: tuple[str, ...]) -> dict[str, str]:
    """Phrase → the theme it was written for (themes of the codebook only)."""
    return {text: theme for theme, texts in _IMPROVE.items() if theme in themes for text in texts}


def codes_file() -> str:
    """The CSV text of both coders' codes of every comment the demo project stores."""
    book = load_codebook(None)
    coder = Coder(book)
    meant = _meant(book.theme_ids)
    with tempfile.TemporaryDirectory(prefix="cop-eval-coding-") as tmp:
        run_demo(Path(tmp) / "demo", codes=False)
        with Project.open(Path(tmp) / "demo" / "project") as project:
            stored = project.comments.review()
    rng = np.random.default_rng(SEED)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("coder", "comment", "themes"))
    rows: list[tuple[str, str, str]] = []
    for comment in stored:
        theme = meant.get(comment.text)
        first = (theme,) if theme else tuple(coder.theme_ids(coder(comment.text)))
        second = [t for t in first if rng.random() >= DROP]
        if rng.random() < ADD:
            extra = book.theme_ids[int(rng.integers(len(book.theme_ids)))]
            if extra not in second:
                second.append(extra)
        rows.append((CODERS[0], comment.key, ";".join(first)))
        rows.append((CODERS[1], comment.key, ";".join(second)))
    writer.writerows(sorted(rows))
    return out.getvalue()


def main() -> None:
    target = ROOT / CODES_FILE
    target.write_text(codes_file(), encoding="utf-8")
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
