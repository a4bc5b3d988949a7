"""Issue 15 end to end in the core: query -> the stories it must and must not match, per language."""

from __future__ import annotations

import pytest

from bot.alerts.highlights import make_highlights
from bot.errors import QueryError
from bot.matching.document import analyze
from bot.matching.index import SubscriptionIndex
from bot.matching.query import parse_query
from tests.support.naive import naive_matches

CASES = [
    # (query, article language, story, must match)
    ("Москва", "ru", "В Москве открылась выставка", True),
    ('"Москва"', "ru", "В Москве открылась выставка", False),  # quoted: that form only
    ('"Москва"', "ru", "Москва встречает весну", True),
    ("Газпром", "ru", "Акции Газпрома выросли", True),
    ("Каспийское море", "ru", "Уровень Каспийского моря падает", True),
    ("«Каспийское море»", "ru", "Уровень Каспийского моря падает", True),
    ("gas", "en", "Prices of natural gases rose", True),
    ("gas", "en", "A gaseous cloud drifted", False),
    ("hattı", "tr", "Demiryolu hattında arıza", True),
    ("Bakı", "tr", "Araç bakımı yapıldı", False),
    ("Bakı", "tr", "Bakı'da zirve başladı", True),
    ("Київ", "uk", "У Києві відкрили виставку", True),
    ("Київ", "uk", "Делегація Києва прибула", True),
    ("Bakı", "az", "Bakıda yeni metro stansiyası açılıb", True),
    ("İlham", "az", "ILHAM ƏLİYEV çıxış edib", True),
    ("C++", "en", "A C++ compiler was released", True),
    ("C++", "en", "Vitamin C helps, says Washington D.C. study", False),
    ("C#", "en", "Microsoft updates C# and F# tooling", True),
    ("AT&T", "en", "AT&T raises prices", True),
    ("AT&T", "en", "Shoppers look at T-Mobile deals", False),
    (".NET", "en", "The .NET runtime gets faster", True),
    ("socar NOT peace", "en", "SOCAR signs a peace deal", False),
    ("socar AND NOT peace", "en", "SOCAR signs a gas deal", True),
    ("巴库", "zh", "巴库今天举行了石油展览会。", True),
    ("Москва", "de", "In Moskau: Москве", False),  # Russian rules never apply to a German story
]


@pytest.mark.parametrize(("text", "lang", "story", "expected"), CASES)
def test_query_matches_story(text: str, lang: str, story: str, expected: bool) -> None:
    query = parse_query(text)
    doc = analyze(story, "", lang=lang)
    assert (query.normalized in SubscriptionIndex([query]).match(doc)) is expected
    assert naive_matches(query, doc) is expected  # the reference agrees


def test_index_keeps_one_table_per_language() -> None:
    index = SubscriptionIndex([parse_query("Москва"), parse_query("gas")])
    assert index.match(analyze("В Москве", lang="ru")) == {"москва"}
    assert index.match(analyze("Natural gases", lang="en")) == {"gas"}
    index.remove("москва")
    assert index.match(analyze("В Москве", lang="ru")) == set()


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("«Каспийское море»", "«Каспийское море»"),
        ("Bakı", "Bakı"),
        ("巴库", "巴库"),
        ("the   socar", "the socar"),
    ],
)
def test_queries_are_kept_as_typed(typed: str, shown: str) -> None:
    assert parse_query(typed).display == shown


def test_not_means_exclusion() -> None:
    assert parse_query("socar NOT peace").normalized == parse_query("socar -peace").normalized
    assert parse_query("socar AND NOT peace").normalized == "socar -peace"


@pytest.mark.parametrize("text", ["x", "1", "й", "и", "und", "the", "və", "ve", "de la"])
def test_queries_matching_nearly_everything_are_refused(text: str) -> None:
    with pytest.raises(QueryError, match="almost every story"):
        parse_query(text)


def test_symbols_that_cannot_be_matched_are_refused_clearly() -> None:
    with pytest.raises(QueryError, match="as written"):
        parse_query("C+")
    assert parse_query("C++").normalized != parse_query("C#").normalized != "c"


def test_stored_rows_of_a_laxer_parser_still_load() -> None:
    assert parse_query("c", stored=True).normalized == "c"


def test_chinese_and_arabic_stories_get_bullets() -> None:
    zh = (
        "巴库今天举行了国际石油展览会。来自三十个国家的公司参加了展览。"
        "展览会将持续三天，吸引了很多观众。组织者说明年还会举办。"
    )
    assert 2 <= len(make_highlights("巴库展览会", zh)) <= 4
    ar = (
        "افتتح معرض النفط الدولي في باكو اليوم بمشاركة واسعة. وشاركت فيه شركات من ثلاثين دولة مختلفة. "
        "وقال المنظمون إن المعرض سيستمر ثلاثة أيام كاملة. ويتوقع أن يزوره آلاف الزوار من المنطقة."
    )
    assert 2 <= len(make_highlights("معرض باكو", ar)) <= 4
