"""Pseudonymisation: keyed, stable, normalised, never the raw id."""

import hashlib
import hmac
from pathlib import Path

import pytest

from cop_eval.cli.keys import user_key
from cop_eval.cli.terms import cli_message
from cop_eval.errors import CopEvalError
from cop_eval.privacy import (
    PSEUDONYM_PREFIX,
    create_key,
    load_or_create_key,
    pseudonymise,
    read_key,
)


def test_same_person_same_pseudonym_and_raw_id_absent() -> None:
    key = b"k" * 32
    out = pseudonymise(
        [" Jane.Doe@Example.org", "jane.doe@example.org", "bob", None, "", float("nan")], key
    )
    assert out[0] == out[1]
    assert out[0] != out[2]
    assert out[0].startswith(PSEUDONYM_PREFIX) and len(out[0]) == len(PSEUDONYM_PREFIX) + 20
    assert "jane" not in out[0].lower()
    assert out[3] is None and out[4] is None and out[5] is None


@pytest.mark.parametrize("key", [b"k" * 32, b"", b"x" * 64, b"long key " * 20])
def test_pseudonym_is_hmac_sha256_of_the_normalised_id(key: bytes) -> None:
    ids = [" Jane.Doe@Example.org ", "S0000001", "Ünïcode ß", "x" * 300]
    expected = [
        PSEUDONYM_PREFIX
        + hmac.new(key, i.strip().casefold().encode("utf-8"), hashlib.sha256).hexdigest()[:20]
        for i in ids
    ]
    assert list(pseudonymise(ids, key)) == expected


def test_text_numbers_arrays_and_generators_agree() -> None:
    import numpy as np
    import pyarrow as pa

    key = b"k" * 32
    ids = ["A1", " a1", None, "", "  ", "B2", "A1", float("nan"), "b2 "]
    one_by_one = [pseudonymise([i], key)[0] for i in ids]
    assert one_by_one[0] == one_by_one[1] == one_by_one[6]  # normalised before hashing
    assert one_by_one[5] == one_by_one[8] and one_by_one[0] != one_by_one[5]
    assert [one_by_one[k] for k in (2, 3, 4, 7)] == [None] * 4
    for given in (
        ids,
        np.array(ids, dtype=object),
        (i for i in ids),
        pa.array([*ids[:7], None, "b2 "]),
    ):
        assert list(pseudonymise(given, key)) == one_by_one
    numbers = pseudonymise([17, 17.5, "17", None], key)
    assert numbers[0] == numbers[2] and numbers[1] != numbers[0] and numbers[3] is None


def test_different_key_different_pseudonym() -> None:
    assert pseudonymise(["a"], b"1" * 32)[0] != pseudonymise(["a"], b"2" * 32)[0]


def test_key_file_created_private_and_reused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "sub" / "secret.key"
    monkeypatch.setenv("COP_EVAL_SECRET_FILE", str(path))
    first = user_key()  # the command line's per-user key (the library never makes one itself)
    assert path.stat().st_mode & 0o777 == 0o600
    assert user_key() == first == load_or_create_key(path)


def test_library_key_files_are_explicit(tmp_path: Path) -> None:
    path = tmp_path / "project.key"
    with pytest.raises(CopEvalError, match="no such secret key file") as info:
        read_key(path)
    assert isinstance(info.value.__cause__, FileNotFoundError)
    key = create_key(path)
    assert read_key(path) == key and path.stat().st_mode & 0o777 == 0o600
    with pytest.raises(CopEvalError, match="exists already"):
        create_key(path)  # never overwrites: every pseudonym depends on it
    assert read_key(path) == key


def test_ids_without_a_key_are_refused_not_keyed_silently(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cop_eval.errors import OptionError
    from cop_eval.ingest import read_responses
    from cop_eval.instruments import load_instrument

    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("COP_EVAL_SECRET_FILE")
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    inst = load_instrument("reflection")
    header = ["email", *(item.id for item in inst.items)]
    rows = [[f"person{k}@example.org", *(["3"] * len(inst.items))] for k in range(6)]
    path = tmp_path / "w.csv"
    path.write_text("\n".join(",".join(r) for r in [header, *rows]) + "\n", encoding="utf-8")
    with pytest.raises(OptionError, match="secret key"):
        read_responses(path, [inst], id_column="email")
    assert not home.exists()  # no ~/.config/cop-eval/secret.key made behind the caller's back
    assert read_responses(path, [inst]).respondent_ids is None  # no ids: no key needed


def test_damaged_key_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "secret.key"
    path.write_bytes(b"short")
    with pytest.raises(CopEvalError, match="too short"):
        load_or_create_key(path)


def test_id_column_cannot_also_be_the_group_column(tmp_path: Path) -> None:
    """Otherwise every raw id would be listed as a subgroup name in tables and reports."""
    from cop_eval.errors import OptionError
    from cop_eval.ingest import read_responses
    from cop_eval.instruments import load_instrument

    inst = load_instrument("reflection")
    header = ["email", *(item.id for item in inst.items)]
    rows = [[f"person{k}@example.org", *(["3"] * len(inst.items))] for k in range(6)]
    path = tmp_path / "w.csv"
    path.write_text("\n".join(",".join(r) for r in [header, *rows]) + "\n", encoding="utf-8")
    with pytest.raises(OptionError, match="same column as id_column") as info:
        read_responses(path, [inst], id_column="email", group_columns=["email"], key=b"k" * 32)
    assert "person" not in str(info.value)
    assert "same column as --id-column" in cli_message(info.value)


def test_an_item_cannot_be_mapped_to_the_id_column(tmp_path: Path) -> None:
    """Its raw ids would be quoted as unusable answers in the import report."""
    from cop_eval.errors import OptionError
    from cop_eval.ingest import read_responses
    from cop_eval.instruments import load_instrument

    inst = load_instrument("reflection")
    header = ["email", *(item.id for item in inst.items[1:])]
    rows = [[f"person{k}@example.org", *(["3"] * (len(inst.items) - 1))] for k in range(6)]
    path = tmp_path / "w.csv"
    path.write_text("\n".join(",".join(r) for r in [header, *rows]) + "\n", encoding="utf-8")
    with pytest.raises(OptionError, match="mapped to the id_column") as info:
        read_responses(
            path,
            [inst],
            id_column="email",
            mapping={inst.items[0].id: "email"},
            key=b"k" * 32,
        )
    assert "person" not in str(info.value)
    assert "mapped to the --id-column" in cli_message(info.value)
