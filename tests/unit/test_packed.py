"""The encoder forward without padding in its matrix products gives transformers' output."""

import pytest
import torch
from transformers import BertConfig, BertModel, RobertaConfig, RobertaModel

from sentiment.finetuned import _int8
from sentiment.packed import mean_pooled, packable
from sentiment.workers import pad


def _bert(**extra) -> BertModel:
    torch.manual_seed(11)
    config = BertConfig(
        vocab_size=120,
        hidden_size=48,
        num_hidden_layers=3,
        num_attention_heads=4,
        intermediate_size=96,
        max_position_embeddings=64,
        **extra,
    )
    return BertModel(config, add_pooling_layer=False).eval()


# Lengths 21, 2, 7 and 14: a batch padded to 24, each row with its own amount of padding.
ROWS = [[2, *[(7 * i + j) % 117 + 3 for j in range(n)], 3] for i, n in enumerate((19, 0, 5, 12))]


def _reference(model: BertModel, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    hidden = model(input_ids=ids, attention_mask=mask).last_hidden_state.float()
    weights = mask.unsqueeze(-1).float()
    return (hidden * weights).sum(1) / weights.sum(1)


def test_equals_the_transformers_forward_in_fp32():
    model = _bert()
    ids, mask = pad(ROWS, pad_id=0)
    assert ids.shape[1] == 24
    with torch.inference_mode():
        packed, reference = mean_pooled(model, ids, mask), _reference(model, ids, mask)
    assert packed.dtype == torch.float32
    assert packed.shape == (len(ROWS), 48)
    torch.testing.assert_close(packed, reference, rtol=1e-5, atol=1e-5)


def test_padding_does_not_reach_a_row():
    model = _bert()
    alone = [pad([row], pad_id=0) for row in ROWS]
    ids, mask = pad(ROWS, pad_id=0)
    with torch.inference_mode():
        together = mean_pooled(model, ids, mask)
        for i, (row_ids, row_mask) in enumerate(alone):
            torch.testing.assert_close(
                together[i], mean_pooled(model, row_ids, row_mask)[0], rtol=1e-5, atol=1e-5
            )


def test_in_bf16_it_stays_within_bf16_rounding_of_fp32():
    model = _bert()
    ids, mask = pad(ROWS, pad_id=0)
    with torch.inference_mode():
        reference = _reference(model, ids, mask)
        packed = mean_pooled(model.to(torch.bfloat16), ids, mask)
    assert packed.dtype == torch.float32
    assert float((packed - reference).abs().max()) < 0.05 * float(reference.abs().max())


def test_int8_linears_run_on_packed_tokens():
    # Dynamic int8 scales a Linear's input by its range, so padding rows shifted it before;
    # packed, each batch is scaled by its real tokens alone. Either stays near fp32.
    model = _bert()
    ids, mask = pad(ROWS, pad_id=0)
    quantized = _int8(model)  # quantizes a copy
    with torch.inference_mode():
        exact = _reference(model, ids, mask)
        padded = _reference(quantized, ids, mask)
        packed = mean_pooled(quantized, ids, mask)
    packed_error = float((packed - exact).abs().mean())
    padded_error = float((padded - exact).abs().mean())
    assert 0 < packed_error < 1.5 * padded_error
    assert packed_error < 0.05 * float(exact.abs().mean())


def test_only_a_plain_bert_encoder_in_eval_mode_takes_the_packed_path():
    assert packable(_bert())
    assert not packable(_bert().train())
    assert not packable(_bert(position_embedding_type="relative_key"))
    assert not packable(_bert(is_decoder=True))
    roberta = RobertaModel(
        RobertaConfig(
            vocab_size=120,
            hidden_size=48,
            num_hidden_layers=1,
            num_attention_heads=4,
            intermediate_size=96,
        ),
        add_pooling_layer=False,
    ).eval()
    # RoBERTa counts positions from after the padding id: not what mean_pooled computes.
    assert not packable(roberta)


@pytest.mark.parametrize("width", [8, 16])
def test_a_row_without_padding_beside_a_padded_one(width):
    model = _bert()
    ids = torch.zeros((2, width), dtype=torch.long)
    mask = torch.zeros((2, width), dtype=torch.long)
    mask[0, :3] = 1
    mask[1, :width] = 1
    ids[0, :3] = torch.tensor([2, 9, 3])
    ids[1] = torch.arange(width) + 2
    with torch.inference_mode():
        torch.testing.assert_close(
            mean_pooled(model, ids, mask), _reference(model, ids, mask), rtol=1e-5, atol=1e-5
        )
