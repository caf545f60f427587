"""`import cofnod` gives the findings of `cofnod check`, text by text."""

import json

import pytest

import cofnod
from conftest import run_cli


def cli_findings(cofnod_bin, tmp_path, texts):
    for i, t in enumerate(texts):
        (tmp_path / f"{i:04}.txt").write_text(t, encoding="utf-8")
    out = run_cli(cofnod_bin, ["check", "--format", "json", "."], tmp_path)
    assert out.returncode in (0, 1), out.stderr
    files = json.loads(out.stdout)["files"]
    return [f["findings"] for f in files]


def test_check_gives_the_findings_of_the_command_line(cofnod_bin, tmp_path, notes):
    texts = notes[:60]
    want = cli_findings(cofnod_bin, tmp_path, texts)
    checker = cofnod.Checker(models="off")
    assert [checker.check(t) for t in texts] == want
    assert [r["findings"] for r in checker.check_batch(texts)] == want
    assert sum(len(f) for f in want) > 50, "the notes have findings, or the comparison proves little"


def test_a_known_finding_has_its_place_and_fix():
    findings = cofnod.check("I will commence the review.", models="off")
    assert [(f["rule"], f["start"]["offset"], f["end"]["offset"], f["excerpt"]) for f in findings] == [("plain-language/commence", 7, 15, "commence")]
    assert findings[0]["suggestions"][0]["replacement"] == "start"
    # Welsh is read as Welsh.
    result = cofnod.Checker(models="off").result("Roedd y tŷ mewn cyflwr ofnadwy.")
    assert result["language"] == "cy"
    assert [f["category"] for f in result["findings"]] == ["vague"]


def test_no_text_is_an_error_for_that_text_only():
    results = cofnod.check_batch(["", None, "   ", "Visit went well."], models="off")
    assert results[:3] == [{"error": "no text"}] * 3
    assert results[3] == {"language": "en", "findings": []}
    with pytest.raises(ValueError, match="no text"):
        cofnod.check("", models="off")


def test_a_configuration_is_applied(tmp_path):
    (tmp_path / "cofnod.toml").write_text('[rules]\ndisable = ["plain-language"]\n', encoding="utf-8")
    assert cofnod.check("I will commence the review.", config=str(tmp_path / "cofnod.toml"), models="off") == []
    (tmp_path / "bad.toml").write_text("[rules]\ndisable = [\"no-such-check\"]\n", encoding="utf-8")
    with pytest.raises(ValueError, match="bad.toml:2:12"):
        cofnod.Checker(config=str(tmp_path / "bad.toml"))
    with pytest.raises(ValueError, match="models must be"):
        cofnod.Checker(models="on")


def test_models_off_uses_no_models():
    c = cofnod.Checker(models="off")
    assert not c.models_loaded and c.models_note is None
