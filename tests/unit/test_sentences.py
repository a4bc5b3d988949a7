"""Sentence splitting for scripts without capitals or spaces."""

from __future__ import annotations

from bot.text.sentences import is_caseless, split_caseless, word_count


def test_chinese_and_japanese_split_without_spaces() -> None:
    text = "巴库今天举行了石油展览会。来自三十个国家的公司参加了展览！展览会将持续三天？"
    assert split_caseless(text) == [
        "巴库今天举行了石油展览会。",
        "来自三十个国家的公司参加了展览！",
        "展览会将持续三天？",
    ]
    assert len(split_caseless("東京で地震がありました。「被害はない」と発表しました。")) == 2


def test_arabic_persian_urdu_punctuation() -> None:
    arabic = "افتتح معرض النفط في باكو اليوم. هل سيستمر المعرض أسبوعا؟ قال المنظمون إنه سيستمر ثلاثة أيام."
    assert len(split_caseless(arabic)) == 3
    urdu = "باکو میں آج تیل کی نمائش کھل گئی۔ اس میں تیس ممالک کی کمپنیاں شریک ہیں۔"
    assert len(split_caseless(urdu)) == 2


def test_long_arabic_sentence_is_cut_at_commas() -> None:
    clause = "وقال المسؤول إن الشركة ستزيد الإنتاج في الحقل الجديد خلال العام المقبل"
    long = "، ".join([clause] * 6) + "."
    pieces = split_caseless(long)
    assert len(pieces) > 1
    assert all(len(p) <= 300 for p in pieces)


def test_which_lines_are_caseless() -> None:
    assert is_caseless("巴库今天举行了石油展览会。")
    assert is_caseless("افتتح معرض النفط في باكو")
    assert not is_caseless("Baku hosts an oil show")
    assert not is_caseless("В Москве открылась выставка")
    assert not is_caseless("12345")


def test_word_count_counts_cjk() -> None:
    assert word_count("one two three") == 3
    assert word_count("巴库今天举行了石油展览会") == 6
