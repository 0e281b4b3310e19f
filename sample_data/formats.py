"""Write simulated waves as real platform exports, and the manifest that lists them.

- Qualtrics CSV export ("Use choice text"): three header rows (column names; question text, with
  ``"<question> - <statement>"`` for matrix statements; ImportId JSON), every field quoted, UTF-8
  with a byte-order mark, CRLF line ends.
- Microsoft Forms "Open results in Excel" workbook: ID, Start time, Completion time, Email, Name,
  then one column per question; a Likert question gives one column per statement, headed by the
  statement text. Emails are the sign-in names (``First.Last@example.org``, capitalised).
- A CSV typed up in Excel in a European locale: semicolon-delimited, UTF-8 with BOM, CRLF,
  ``email;strand;<item ids>``, answers as text labels.

Every writer is deterministic: the same simulation gives byte-identical files (the workbook's zip
entries and document properties carry fixed timestamps).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml
from openpyxl import Workbook

from cop_eval.instruments import CommentQuestion, Instrument
from sample_data.comments import comment_answers
from sample_data.plan import BUILT_IN_EFFECTS, STRAND_QUESTION, STRANDS
from sample_data.simulation import Answer, SimulatedWave, Simulation, Submission

__all__ = ["write_csv", "write_manifest", "write_ms_forms", "write_qualtrics", "write_wave"]

QUALTRICS_META: tuple[tuple[str, str, dict[str, str]], ...] = (
    ("StartDate", "Start Date", {"ImportId": "startDate", "timeZone": "Europe/London"}),
    ("EndDate", "End Date", {"ImportId": "endDate", "timeZone": "Europe/London"}),
    ("Status", "Response Type", {"ImportId": "status"}),
    ("IPAddress", "IP Address", {"ImportId": "ipAddress"}),
    ("Progress", "Progress", {"ImportId": "progress"}),
    ("Duration (in seconds)", "Duration (in seconds)", {"ImportId": "duration"}),
    ("Finished", "Finished", {"ImportId": "finished"}),
    ("RecordedDate", "Recorded Date", {"ImportId": "recordedDate", "timeZone": "Europe/London"}),
    ("ResponseId", "Response ID", {"ImportId": "_recordId"}),
    ("RecipientLastName", "Recipient Last Name", {"ImportId": "recipientLastName"}),
    ("RecipientFirstName", "Recipient First Name", {"ImportId": "recipientFirstName"}),
    ("RecipientEmail", "Recipient Email", {"ImportId": "recipientEmail"}),
    ("ExternalReference", "External Data Reference", {"ImportId": "externalDataReference"}),
    ("LocationLatitude", "Location Latitude", {"ImportId": "locationLatitude"}),
    ("LocationLongitude", "Location Longitude", {"ImportId": "locationLongitude"}),
    ("DistributionChannel", "Distribution Channel", {"ImportId": "distributionChannel"}),
    ("UserLanguage", "User Language", {"ImportId": "userLanguage"}),
)
#: Incomplete Qualtrics responses are recorded when the in-progress timeout ends (default 1 week).
QUALTRICS_INCOMPLETE_TIMEOUT = dt.timedelta(days=7)
#: Fixed timestamp for the workbook's properties and zip entries (reproducible bytes).
XLSX_TIMESTAMP = dt.datetime(2025, 10, 1, 9, 0, 0)
#: Row of the semicolon CSV (0-based, data rows) whose email was typed with capitals and a
#: trailing space, as hand-keyed data often is.
CSV_UNTIDY_EMAIL_ROW = 5


def _label(instrument: Instrument, item_id: str, answer: Answer) -> str:
    if answer is None:
        return ""
    if isinstance(answer, int):
        return instrument.response_scale_of(item_id).labels[answer]
    return answer


def _answer_cells(sim: Simulation, sub: Submission) -> list[str]:
    return [_label(inst, i, sub.answers[i]) for inst in sim.instruments for i in inst.item_ids]


def _questions(sim: Simulation) -> list[CommentQuestion]:
    return [c for inst in sim.instruments for c in inst.comments]


def _comment_cells(sim: Simulation, answers: dict[str, str]) -> list[str]:
    return [answers.get(c.id, "") for c in _questions(sim)]


def _stem(instrument: Instrument) -> str:
    return f"{instrument.title}: how far do you agree with each statement?"


def _qualtrics_id(sim: Simulation, wave: SimulatedWave, k: int) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    value = (sim.seed * 1_000_003 + wave.spec.number * 10_007 + k * 7_919) % (62**15)
    value = value * 2_654_435_761 % (62**15)
    chars = []
    for _ in range(15):
        value, r = divmod(value, 62)
        chars.append(alphabet[r])
    return "R_" + "".join(chars)


def _ts(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def write_qualtrics(sim: Simulation, wave: SimulatedWave, path: Path) -> None:
    """A Qualtrics CSV export with choice text: Q1 is the strand, Q2.. one matrix per instrument."""
    names = [m[0] for m in QUALTRICS_META] + ["Q1"]
    texts = [m[1] for m in QUALTRICS_META] + [STRAND_QUESTION]
    import_ids = [json.dumps(m[2], separators=(",", ":")) for m in QUALTRICS_META]
    import_ids.append('{"ImportId":"QID1"}')
    for q, inst in enumerate(sim.instruments, start=2):
        for j, item in enumerate(inst.items, start=1):
            names.append(f"Q{q}_{j}")
            texts.append(f"{_stem(inst)} - {item.text}")
            import_ids.append(json.dumps({"ImportId": f"QID{q}_{j}"}, separators=(",", ":")))
    # Open questions: one text-entry question each, after the matrices.
    for q, question in enumerate(_questions(sim), start=len(sim.instruments) + 2):
        names.append(f"Q{q}")
        texts.append(question.text)
        import_ids.append(json.dumps({"ImportId": f"QID{q}_TEXT"}, separators=(",", ":")))
    rows: list[list[str]] = [names, texts, import_ids]
    comments = comment_answers(sim, wave)
    for k, sub in enumerate(wave.submissions):
        preview = sub.kind == "preview"
        person = sub.person
        recorded = sub.finished + (
            QUALTRICS_INCOMPLETE_TIMEOUT if sub.kind == "partial" else dt.timedelta(0)
        )
        meta = [
            _ts(sub.started),
            _ts(sub.finished),
            "Survey Preview" if preview else "IP Address",
            "" if preview else f"192.0.2.{10 + (person.index if person else 0)}",
            str(sub.progress),
            str(round((sub.finished - sub.started).total_seconds())),
            "True" if sub.progress == 100 else "False",
            _ts(recorded),
            _qualtrics_id(sim, wave, k),
            person.last if person else "",
            person.first if person else "",
            person.email if person else "",
            "",
            "",
            "",
            "preview" if preview else "email",
            "EN-GB",
        ]
        rows.append(
            [*meta, sub.strand, *_answer_cells(sim, sub), *_comment_cells(sim, comments[k])]
        )
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(rows)


def _sign_in_name(email: str) -> str:
    local, _, domain = email.partition("@")
    return ".".join(part.capitalize() for part in local.split(".")) + "@" + domain


def _reproducible_zip(data: bytes) -> bytes:
    """Re-pack an xlsx with fixed entry timestamps and fixed document dates."""
    stamp = XLSX_TIMESTAMP.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = content.decode("utf-8")
                for tag in ("created", "modified"):
                    text = re.sub(
                        rf"(<dcterms:{tag}[^>]*>)[^<]*(</dcterms:{tag}>)", rf"\g<1>{stamp}\2", text
                    )
                content = text.encode("utf-8")
            entry = zipfile.ZipInfo(info.filename, date_time=XLSX_TIMESTAMP.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            dst.writestr(entry, content)
    return out.getvalue()


def write_ms_forms(sim: Simulation, wave: SimulatedWave, path: Path) -> None:
    """A Microsoft Forms results workbook: one column per Likert statement, headed by its text."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Sheet1"
    header = ["ID", "Start time", "Completion time", "Email", "Name", STRAND_QUESTION]
    header += [item.text or item.id for inst in sim.instruments for item in inst.items]
    header += [c.text for c in _questions(sim)]
    ws.append(header)
    comments = comment_answers(sim, wave)
    for number, sub in enumerate(wave.submissions, start=1):
        assert sub.person is not None, "Microsoft Forms has no preview responses"
        person = sub.person
        cells: list[Any] = [
            number,
            sub.started,
            sub.finished,
            _sign_in_name(person.email),
            f"{person.first} {person.last}",
            sub.strand,
        ]
        cells += [cell or None for cell in _answer_cells(sim, sub)]
        cells += [cell or None for cell in _comment_cells(sim, comments[number - 1])]
        ws.append(cells)
    for row in ws.iter_rows(min_row=2, min_col=2, max_col=3):
        for cell in row:
            cell.number_format = "m/d/yy h:mm:ss"
    wb.properties.creator = "Microsoft Forms"
    wb.properties.created = XLSX_TIMESTAMP
    buffer = io.BytesIO()
    wb.save(buffer)
    path.write_bytes(_reproducible_zip(buffer.getvalue()))


def write_csv(sim: Simulation, wave: SimulatedWave, path: Path) -> None:
    """A semicolon CSV with item-id headers and text labels, UTF-8 with BOM, as Excel saves it."""
    rows: list[list[str]] = [["email", "strand", *sim.item_ids, *(c.id for c in _questions(sim))]]
    comments = comment_answers(sim, wave)
    for k, sub in enumerate(wave.submissions):
        assert sub.person is not None
        email = sub.person.email
        if k == CSV_UNTIDY_EMAIL_ROW:
            email = _sign_in_name(email) + " "
        rows.append(
            [email, sub.strand, *_answer_cells(sim, sub), *_comment_cells(sim, comments[k])]
        )
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle, delimiter=";", lineterminator="\r\n").writerows(rows)


def write_wave(sim: Simulation, wave: SimulatedWave, folder: Path) -> Path:
    """Write one wave in its platform format; returns the path."""
    path = folder / wave.spec.file
    writers = {"qualtrics": write_qualtrics, "ms_forms": write_ms_forms, "csv": write_csv}
    writers[wave.spec.format](sim, wave, path)
    return path


def _counts(strands: Sequence[str]) -> dict[str, int]:
    return {s: n for s in STRANDS if (n := sum(1 for x in strands if x == s))}


def manifest(sim: Simulation) -> dict[str, Any]:
    """The machine-readable description of the generated files (see README.md)."""
    waves: list[dict[str, Any]] = []
    previous: set[int] = set()
    for wave in sim.waves:
        spec = wave.spec
        respondents = wave.respondents
        here = {s.person.index for s in respondents if s.person is not None}
        members = {p.index for p in wave.members}
        kinds = [s.kind for s in wave.submissions]
        waves.append(
            {
                "label": spec.label,
                "date": spec.date.isoformat(),
                "file": spec.file,
                "format": spec.format,
                "platform": spec.platform,
                "id_column": spec.id_column,
                "group_column": spec.group_column,
                "invited": _counts([p.strand for p in wave.members]),
                "expected": {
                    "data_rows": len(wave.submissions),
                    "respondents": len(respondents),
                    "respondents_by_group": _counts([s.strand for s in respondents]),
                    "rejected_preview_rows": kinds.count("preview"),
                    "rejected_duplicate_rows": kinds.count("superseded"),
                    "partial_responses": kinds.count("partial"),
                    "straight_liners": kinds.count("straight_liner"),
                    "matched_with_previous_wave": len(here & previous),
                    "joined_since_previous_wave": sum(
                        1 for p in wave.members if p.joins == spec.number and spec.number > 1
                    ),
                    "left_since_previous_wave": sum(
                        1 for p in sim.people if p.leaves_after == spec.number - 1
                    ),
                    "non_respondents": len(members - here),
                },
            }
        )
        previous = here
    return {
        "generator": "sample_data/generate.py",
        "seed": sim.seed,
        "description": (
            "A simulated HR professional group (fictitious people, example.org addresses) "
            "surveyed in three waves six months apart; see sample_data/README.md."
        ),
        "instruments": [inst.id for inst in sim.instruments],
        "group_labels": list(STRANDS),
        "waves": waves,
        "effects": [
            {
                "id": e.id,
                "kind": e.kind,
                "instrument": e.instrument,
                "scales": list(e.scales) or "all",
                "size": e.size,
                **({"by_wave": list(e.by_wave)} if e.by_wave else {}),
                **({"group": e.group} if e.group else {}),
                "description": e.description,
            }
            for e in BUILT_IN_EFFECTS
        ],
    }


def write_manifest(sim: Simulation, path: Path) -> None:
    from sample_data.cycle import cycle_manifest

    head = "# Generated by sample_data/generate.py; edit the generator, not this file.\n"
    content = {**manifest(sim), **cycle_manifest(sim)}
    body = yaml.safe_dump(content, sort_keys=False, allow_unicode=True, width=100)
    path.write_text(head + body, encoding="utf-8", newline="\n")
