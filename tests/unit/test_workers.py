"""Inference batching: batches of similar token counts, every worker given work, padding
that marks only real tokens, and a pool that keeps torch single-threaded per worker."""

import pytest

from sentiment.workers import Workers, length_batches

torch = pytest.importorskip("torch")


def test_batches_group_similar_lengths_and_keep_every_index_once():
    lengths = [50, 3, 48, 7, 80, 5, 49, 79]
    batches = length_batches(lengths, batch_size=2)
    assert sorted(i for batch in batches for i in batch) == list(range(8))
    assert all(len(batch) <= 2 for batch in batches)
    # Longest first: the batches a worker picks up last are the quickest.
    assert [sorted(lengths[i] for i in batch) for batch in batches] == [
        [79, 80],
        [49, 50],
        [7, 48],
        [3, 5],
    ]


def test_a_small_call_is_split_so_each_worker_gets_a_batch():
    batches = length_batches([10, 12, 11, 30, 31], batch_size=32, parts=2)
    assert [len(b) for b in batches] == [2, 3]
    assert length_batches([10], batch_size=32, parts=4) == [[0]]
    assert length_batches([], batch_size=32, parts=2) == []
    # Never more than batch_size, even when splitting for the workers.
    assert max(len(b) for b in length_batches([1] * 100, batch_size=8, parts=2)) <= 8


def test_each_worker_gets_as_many_batches_of_about_the_same_size():
    # 74 texts in batches of at most 32 on two workers: four batches of 18-19, not three
    # (32, 32 and 10), which would leave one worker idle while the other runs the third.
    batches = length_batches(list(range(74)), batch_size=32, parts=2)
    assert [len(b) for b in batches] == [18, 18, 19, 19]
    assert len(length_batches([1] * 64, batch_size=32, parts=2)) == 2
    assert len(length_batches([1] * 65, batch_size=32, parts=2)) == 4
    assert len(length_batches([1] * 3, batch_size=32, parts=4)) == 3


def test_padding_marks_only_real_tokens():
    from sentiment.workers import pad

    ids, mask = pad([[0, 5, 2], [0, 2]], pad_id=1, multiple=1)
    assert ids.tolist() == [[0, 5, 2], [0, 2, 1]]
    assert mask.tolist() == [[1, 1, 1], [1, 1, 0]]
    # By default widths round up to a multiple of 8: few distinct shapes for the kernels.
    ids, mask = pad([[7] * 17, [7] * 3], pad_id=1)
    assert ids.shape == (2, 24)
    assert mask.sum(dim=1).tolist() == [17, 3]


def test_workers_run_torch_single_threaded_and_keep_order():
    workers = Workers(2)
    try:
        assert workers.count == 2
        seen = workers.map(lambda batch: (batch, torch.get_num_threads()), [[1], [2], [3]])
    finally:
        workers.close()
    assert [batch for batch, _ in seen] == [[1], [2], [3]]
    assert {threads for _, threads in seen} == {1}
