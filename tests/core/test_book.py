"""The in-memory subscription book over rows as they are stored, old normaliser's rows included."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.matching.audience import SubscriptionBook
from bot.matching.document import analyze
from bot.matching.query import parse_query
from bot.models import ChatRef, Subscription

A, B = ChatRef("telegram", "1"), ChatRef("telegram", "2")
T = datetime(2026, 1, 1, tzinfo=UTC)


def test_double_possessive_normalises_once_and_for_all() -> None:
    query = parse_query("SOCAR's's")
    assert query.normalized == "socar" and parse_query(query.normalized).normalized == "socar"


def test_rows_stored_in_an_older_normal_form_still_match_and_unsubscribe() -> None:
    book = SubscriptionBook()
    broken = book.load([Subscription(A, "socar's", T), Subscription(B, "socar", T), Subscription(B, '"x', T)])
    assert broken == ['"x']
    hits = book.match(analyze("SOCAR signs a deal", ""))
    assert set(hits) == {A, B}
    book.remove(A, "socar's")  # what the repository holds for A
    assert set(book.match(analyze("SOCAR signs a deal", ""))) == {B}
    assert book.query("socar's") is not None or book.query("socar") is not None


def test_one_query_many_chats_is_one_index_entry() -> None:
    book = SubscriptionBook()
    for n in range(100):
        book.add(ChatRef("telegram", str(n)), parse_query("Gazprom OR Rosneft"))
    assert len(book) == 100 and len(book._index) == 1
    assert len(book.match(analyze("Rosneft results", ""))) == 100


def test_a_query_whose_normal_form_outgrows_the_limit_still_loads() -> None:
    typed = " ".join(f"pipeline{n}-consortium-route" for n in range(7))  # hyphens become "phrases"
    query = parse_query(typed)
    assert len(typed) <= 200 < len(query.normalized)
    book = SubscriptionBook()
    assert book.load([Subscription(A, query.normalized, T)]) == []
    assert book.query(query.normalized) is not None
