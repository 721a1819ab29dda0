"""The SentencePiece copy of the default tokenizer: the ids of the fast tokenizer, its edges,
and when a directory falls back to ``AutoTokenizer``."""

import json
import shutil
from pathlib import Path

import pytest

from config.settings import load_settings
from sentiment import default_encoder
from sentiment.pieces import SPM_FILE, PieceTokenizer, load_tokenizer
from sentiment.truncation import token_rows

pytestmark = pytest.mark.model

ROOT = Path(__file__).resolve().parents[2]
LABELLED = ROOT / "tests" / "fixtures" / "sentiment" / "labelled.jsonl"

EDGES = [
    "",
    " ",
    "   ",
    "trailing space ",
    " leading space",
    "two  spaces   inside",
    "tab\tand\nnew line",
    "ideographic\u3000space\u3000",
    "no-break\u00a0space\u00a0",
    "😡😡😡",
    "👍🏽 top",
    "ｆｕｌｌｗｉｄｔｈ ＴＥＸＴ",
    "ﬁne ligature",
    "Ⅻ ¼ ™",
    "İstanbul'da ß",
    "e\u0301 decomposed",
    "غذا سرد بود\u200cها",
    "Это ужасно!!!",
    "한국어와 漢字 かな",
    "\ue000 private use",
]


@pytest.fixture(scope="module")
def encoder_dir() -> str:
    return default_encoder(load_settings(data_dir=ROOT / "var"), lambda _: None)


@pytest.fixture(scope="module")
def pieces(encoder_dir) -> PieceTokenizer:
    tokenizer = load_tokenizer(encoder_dir)
    assert isinstance(tokenizer, PieceTokenizer), "set-up writes the SentencePiece model"
    return tokenizer


@pytest.fixture(scope="module")
def fast(encoder_dir):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(encoder_dir)


def _texts() -> list[str]:
    with LABELLED.open(encoding="utf-8") as handle:
        return [json.loads(line)["text"] for line in handle if line.strip()]


def test_the_same_ids_as_the_fast_tokenizer_in_every_language_and_edge(pieces, fast):
    texts = _texts() + EDGES
    for prefix in ("", "query: "):
        batch = [prefix + text for text in texts]
        assert pieces(batch)["input_ids"] == fast(batch)["input_ids"]
    # What the model reads (cut, reading form, prefix) is the same too.
    long = "começo " + "meio " * 600 + "péssimo no fim "
    assert token_rows(pieces, [*texts, long], 64, "query: ") == token_rows(
        fast, [*texts, long], 64, "query: "
    )


def test_one_text_gives_one_row_as_transformers_does(pieces, fast):
    assert pieces("query: ótimo ")["input_ids"] == fast("query: ótimo ")["input_ids"]
    assert pieces.pad_token_id == fast.pad_token_id


def test_special_pieces_in_a_review_are_read_as_text(pieces):
    ids = pieces(["Nota </s><s><pad><mask> péssimo"])["input_ids"][0]
    inner = ids[1:-1]
    specials = {pieces.bos_token_id, pieces.eos_token_id, pieces.pad_token_id}
    assert not specials & set(inner)
    assert ids[0] == pieces.bos_token_id
    assert ids[-1] == pieces.eos_token_id


def test_a_directory_without_the_file_or_a_revision_uses_auto_tokenizer(encoder_dir, tmp_path):
    for name in ("tokenizer.json", "tokenizer_config.json"):
        shutil.copy(Path(encoder_dir) / name, tmp_path / name)
    plain = load_tokenizer(str(tmp_path))
    assert not isinstance(plain, PieceTokenizer)
    assert plain(["ótimo"])["input_ids"] == load_tokenizer(encoder_dir)(["ótimo"])["input_ids"]
    shutil.copy(Path(encoder_dir) / SPM_FILE, tmp_path / SPM_FILE)
    assert isinstance(load_tokenizer(str(tmp_path)), PieceTokenizer)
    # A revision names a hub commit: only the hub's own tokenizer files answer for it.
    assert not isinstance(load_tokenizer(str(tmp_path), revision="main"), PieceTokenizer)


def test_leetspeak_is_read_as_letters_and_product_codes_stay(pieces):
    from sentiment.leet import piece_count, unleet

    count = piece_count(pieces)
    assert count("hotel") == 1
    read = unleet("Pé551m0 4t3nd1m3nt0, h0rr1bl3, fr4ud3, qu3r0 r33mb0ls0, pé$$imo", count)
    assert read == "Péssimo atendimento, horrible, fraude, quero reembolso, péssimo"
    codes = "Sony HX100v, Bose qc35ii, WH1000XM3, DV300F, UN55ES7000"
    assert unleet(codes, count) == codes


def test_token_rows_read_leetspeak(pieces):
    written = token_rows(pieces, ["p3ss1mo 4t3nd1m3nt0"], 64)
    assert written == token_rows(pieces, ["pessimo atendimento"], 64)
