"""The lexicon audit lists the words each stem meets, exceptions applied, per text language."""

import json

from sentiment.lexicon_audit import main, stem_words


def test_stem_words_counts_word_starts_and_skips_exceptions():
    texts = {"pt": "o pedido atrasou. comprei há um mês atrás\nentrega atrasada", "es": "atrasado"}
    found = stem_words("atras", ["atras="], texts)
    assert found["pt"] == {"atrasou": 1, "atrasada": 1}
    assert found["es"] == {"atrasado": 1}
    assert stem_words("atras", [], {"pt": "reatrasou"})["pt"] == {}


def _datasets(root, texts):
    """One labelled text per language, as ``<lang>/train.jsonl`` under ``root``."""
    for lang, text in texts.items():
        (root / lang).mkdir()
        (root / lang / "train.jsonl").write_text(
            json.dumps({"text": text, "label": "negative"}) + "\n", encoding="utf-8"
        )


def test_main_reports_a_stem_meeting_another_languages_words(tmp_path, capsys):
    _datasets(tmp_path, {"it": "Pessimo, ho chiesto il rimborso", "pt": "Fiquei chateada"})
    assert main(["--datasets", str(tmp_path), "--topic", "support", "--min", "1"]) == 0
    lines = capsys.readouterr().out.splitlines()
    # Portuguese "chateada" (upset) is no chat: no support stem lists it.
    assert not any("chateada" in line for line in lines)
    assert main(["--datasets", str(tmp_path), "--topic", "refund", "--min", "1"]) == 0
    assert "refund\tit:rimbors\tin it\t1\trimborso:1" in capsys.readouterr().out.splitlines()


def test_main_says_when_there_are_no_texts(tmp_path, capsys):
    assert main(["--datasets", str(tmp_path)]) == 2
    assert "no labelled texts" in capsys.readouterr().err


def test_main_lists_a_one_language_stem_only_in_that_languages_texts(tmp_path, capsys):
    _datasets(tmp_path, {"pt": "Isso é golpe", "es": "Bajó de golpe"})
    assert main(["--datasets", str(tmp_path), "--topic", "fraud", "--min", "1"]) == 0
    lines = [line for line in capsys.readouterr().out.splitlines() if ":golpe\t" in line]
    assert lines == ["fraud\tpt_only:golpe\tin pt\t1\tgolpe:1"]
