import html
import zlib

from sentiment.truncation import CHARS_PER_TOKEN, clip_chars, head_and_tail, token_rows


class _Words:
    """A tokenizer with one id per word (a checksum of it), framed by 0 and 2."""

    def __call__(self, texts: list[str]) -> dict[str, list[list[int]]]:
        return {"input_ids": [[0, *(zlib.crc32(w.encode()) for w in t.split()), 2] for t in texts]}


def test_short_token_lists_are_kept_whole():
    ids = [0, 5, 6, 7, 2]
    assert head_and_tail(ids, 8) == ids
    assert head_and_tail(ids, 5) == ids


def test_long_token_lists_keep_both_ends_and_the_special_tokens():
    ids = [0, *range(10, 110), 2]  # <s>, 100 pieces, </s>
    cut = head_and_tail(ids, 12)
    assert len(cut) == 12
    assert cut[0] == 0
    assert cut[-1] == 2
    assert cut[1:6] == [10, 11, 12, 13, 14]  # the beginning...
    assert cut[6:11] == [105, 106, 107, 108, 109]  # ...and the end


def test_odd_budgets_give_the_extra_token_to_the_end():
    cut = head_and_tail([0, *range(10, 30), 2], 7)
    assert cut == [0, 10, 11, 27, 28, 29, 2]


def test_huge_texts_are_cut_by_characters_keeping_both_ends():
    text = "start " + "x" * 10_000_000 + " the courier stole my parcel"
    clipped = clip_chars(text, 256)
    assert len(clipped) <= 2 * 256 * CHARS_PER_TOKEN + 3
    assert clipped.startswith("start ")
    assert clipped.endswith("the courier stole my parcel")
    assert clip_chars("a short review", 256) == "a short review"


def test_a_long_text_written_longer_than_it_reads_is_clipped_as_it_reads():
    # Escaped for HTML twice, each Cyrillic letter is 11 characters: clipped as written, a
    # long review kept a tenth of what it says.
    review = "Курьер опоздал на три часа. " * 200 + "Больше не закажу."
    escaped = "".join(f"&amp;#{ord(c)};" if ord(c) > 127 else c for c in review)
    assert html.unescape(html.unescape(escaped)) == review
    assert token_rows(_Words(), [escaped], 64) == token_rows(_Words(), [review], 64)
    written = token_rows(_Words(), [escaped], 64, normalized=False)  # as written: clipped so
    assert written == token_rows(_Words(), [clip_chars(escaped, 64)], 64, normalized=False)
