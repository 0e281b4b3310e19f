"""Redaction of free text, with adversarial inputs: disguised e-mails, look-alike letters,
lower-case names, invisible characters, numbers in every format."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cop_eval.comments.folding import fold
from cop_eval.comments.patterns import nhs_check_digit_ok
from cop_eval.comments.redaction import MARKERS, RedactionRules, Redactor, redact

ROSTER = RedactionRules(names=("Priya Shah", "Will Turner", "Siân Evans", "Grace Green"))


def clean(text: str, rules: RedactionRules | None = None) -> str:
    return redact(text, rules).text


@pytest.mark.parametrize(
    "text",
    [
        "write to priya.shah@example.org today",
        "write to Priya.Shah@Example.ORG today",
        "write to priya . shah @ example . org today",
        "write to priya.shah (at) example (dot) org today",
        "write to priya.shah [at] example [dot] org today",
        "write to priya dot shah at example dot org today",
        "write to priya.shah＠example．org today",  # full-width @ and dot
        "write to priya.shah@exаmple.org today",  # Cyrillic а
        "write to pri\u200bya.shah@example.org today",  # zero-width space
        "mailto:p_shah+cop@nhs.net today",
    ],
)
def test_emails_in_any_disguise(text: str) -> None:
    out = clean(text)
    assert "[email]" in out and "shah" not in out.casefold() and "example" not in out
    assert out.endswith(" today")


@pytest.mark.parametrize(
    "text",
    [
        "call 07700 900123",
        "call 07700900123",
        "call +44 7700 900123",
        "call +44 (0)20 7946 0018",
        "call (020) 7946 0018",
        "call 020-7946-0018",
        "call 0161.496.0000",
        "call 01632 960 123",
        "call +1 415 555 0100",
        "call ０７７００ ９００１２３",  # full-width digits
        "call ٠٧٧٠٠٩٠٠١٢٣",  # Arabic-Indic digits
        "call 07700‑900‑123",  # non-breaking hyphens
        "call ext 4321",
        "call extension 4321",
    ],
)
def test_phone_numbers(text: str) -> None:
    out = clean(text)
    assert out == "call [phone]", out


def test_identifying_numbers_and_postcodes() -> None:
    assert nhs_check_digit_ok("9434765919") and not nhs_check_digit_ok("9434765918")
    assert clean("NHS no 943 476 5919.") == "NHS no [NHS number]."
    assert clean("NHS no 9434765919") == "NHS no [NHS number]"
    assert clean("my staff number is 1234567") == "my staff number is [staff number]"
    assert clean("staff no. E1234 and employee ID: 4051") == (
        "staff no. [staff number] and employee ID: [staff number]"
    )
    assert clean("ESR 30012345") == "ESR [staff number]"
    assert clean("it was 1234567") == "it was [staff number]"
    assert clean("NI QQ 12 34 56 C") == "NI [staff number]"
    assert clean("badge AB123456") == "badge [staff number]"
    for code in ("LS1 4AP", "ls1 4ap", "SW1A 1AA", "m11ae", "EC1A 1BB", "B33 8TH"):
        assert clean(f"office at {code}, ok") == "office at [postcode], ok", code


def test_urls() -> None:
    assert clean("see https://example.org/cop?x=1.") == "see [url]."
    assert clean("see www.nhs.uk/page, then") == "see [url], then"
    assert clean("see (bit.ly/abc)") == "see ([url])"
    assert clean("see http : //example.org") == "see [url]"


def test_ordinary_numbers_and_text_stay() -> None:
    for text in (
        "A £250000 budget in 2025 for 10-12 people, 9.30-11.00 on 15/03/2025.",
        "The meetings are mostly information giving rather than knowledge sharing.",
        "We use Teams and Zoom; the HR Professional Group meets on Monday in March.",
        "I'm not sure it's useful. It's fine. Don't know.",
        "Stage 3 is the weakest; 45% said so; version 1.2.3; 3 out of 10.",
    ):
        assert clean(text) == text


@pytest.mark.parametrize(
    "text",
    [
        "thanks priya for running it",  # lower case
        "thanks PRIYA for running it",
        "thanks Рriya for running it",  # Cyrillic Р
        "thanks Ｐｒｉｙａ for running it",  # full-width
        "thanks Pri\u200bya for running it",  # zero-width space
        "thanks Pri\u00adya for running it",  # soft hyphen
        "thanks 𝐏𝐫𝐢𝐲𝐚 for running it",  # mathematical bold
        "thanks shah for running it",
        "thanks sian for running it",  # accent dropped
        "thanks SIÂN for running it",
    ],
)
def test_listed_names_in_any_form(text: str) -> None:
    assert clean(text, ROSTER) == "thanks [name] for running it"


def test_listed_names_that_are_everyday_words() -> None:
    # "will" and "grace" are words: only capitalised, or as the full name, are they names
    out = clean("I will ask Will; grace under pressure, said grace green", ROSTER)
    assert out == "I will ask [name]; grace under pressure, said [name]"
    assert clean("Priya Shah's idea and Siân's", ROSTER) == "[name]'s idea and [name]'s"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ask Dr Okafor about it", "Ask Dr [name] about it"),
        ("Ask Dr. Okafor about it", "Ask Dr. [name] about it"),
        ("Ask Prof Bell about it", "Ask Prof [name] about it"),
        ("We met Tomasz Nowak there", "We met [name] there"),
        ("Thanks to Rachel Turner for the session", "Thanks to [name] for the session"),
        ("Tomasz Nowak ran it", "[name] ran it"),
        ("Okafor's sessions", "[name]'s sessions"),
        ("the session with Okafor was good", "the session with [name] was good"),
        ("Brilliant. Okafor ran it well", "Brilliant. Okafor ran it well"),  # one word, first
    ],
)
def test_heuristic(text: str, expected: str) -> None:
    assert clean(text) == expected


def test_keep_and_vocabulary_override_the_heuristic() -> None:
    text = "Sessions in Leeds with Okafor"
    assert clean(text) == "Sessions in [name] with [name]"
    assert clean(text, RedactionRules(keep=("leeds",))) == "Sessions in Leeds with [name]"
    assert clean("Trainers feel left out", RedactionRules(vocabulary=("Trainers",))) == (
        "Trainers feel left out"
    )
    # a kept word that is also a listed name is still redacted
    rules = RedactionRules(names=("Leeds",), keep=("Leeds",))
    assert clean(text, rules) == "Sessions in [name] with [name]"
    assert clean(text, RedactionRules(heuristic=False)) == text


def test_redactions_record_kind_rule_and_original_span() -> None:
    text = "Priya (priya@example.org) said"
    result = redact(text, ROSTER)
    assert result.kinds == ("name", "email")
    assert [text[r.start : r.end] for r in result.redactions] == ["Priya", "priya@example.org"]
    assert result.redactions[0].rule == "names list"


def test_folding_keeps_the_way_back() -> None:
    folded = fold("Ｓiân\u200b Рatel")
    assert folded.text == "Sian Patel"
    assert folded.span(5, 10) == (6, 11)


_pieces = st.sampled_from(
    [
        "Priya",
        "priya.shah@example.org",
        "07700 900123",
        "LS1 4AP",
        "Dr Okafor",
        "great",
        "sessions",
        "no time",
        ", ",
        ". ",
        " ",
        "\u200b",
        "(",
        ")",
        "[name]",
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_pieces, max_size=12))
def test_redaction_is_idempotent_and_leaves_no_planted_value(parts: list[str]) -> None:
    redactor = Redactor(ROSTER)
    text = " ".join(parts)
    once = redactor(text).text
    assert redactor(once).text == once
    folded = fold(once).text.casefold()
    for secret in ("priya", "shah", "900123", "4ap", "okafor"):
        assert secret not in folded.replace(" ", ""), (text, once)
    assert all(marker in MARKERS.values() for marker in _markers(once))


def _markers(text: str) -> list[str]:
    import re

    return re.findall(r"\[[^\[\]]*\]", text)


def test_shipped_stop_words_are_scikit_learns() -> None:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    from cop_eval.comments.stop_words import ENGLISH_STOP_WORDS as shipped

    assert shipped == ENGLISH_STOP_WORDS


def test_redaction_does_not_import_scikit_learn() -> None:
    # scikit-learn takes 1.5 s to import; redaction needs only its stop-word list (shipped).
    code = (
        "import sys; from cop_eval.comments.redaction import RedactionRules, redact; "
        "print(redact('Ask Dr Okafor or priya', RedactionRules(names=('Priya Shah',))).text); "
        "print('sklearn' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    redacted, imported = done.stdout.strip().splitlines()[-2:]
    assert "Okafor" not in redacted and "priya" not in redacted
    assert imported == "False"
