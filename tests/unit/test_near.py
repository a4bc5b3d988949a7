"""Near-duplicate copies (bot.stories.near) and same-event reports (bot.stories.events)."""

from __future__ import annotations

from bot.stories import events, near

LEAD = (
    "A gunman opened fire Friday at Fort Lauderdale-Hollywood airport, a major tourist hub in Florida, "
    "killing five people and injuring eight, as panicked travelers fled for safety.\n"
    "The suspect, identified by a local lawmaker as Esteban Santiago, was in custody and being "
    "questioned by the FBI and homicide detectives over the attack in the baggage claim area."
)
OTHER = (
    "The city council voted on Monday to build twelve miles of protected cycle lanes across the centre.\n"
    "Work starts in spring and should take two years; shop owners on Main Street opposed the plan."
)


def test_a_syndicated_variant_is_a_copy() -> None:
    variant = "By Staff Reporter\nMIAMI (AP) - " + LEAD + "\nSign up for our daily newsletter"
    index = near.NearIndex()
    index.add("orig", near.fingerprint("Five dead in Fort Lauderdale airport shooting", LEAD), 0.0)
    found = index.copy_of(near.fingerprint("AP: Florida airport gunman kills five", variant))
    assert found is not None and found.key == "orig" and found.score >= near.COPY_THRESHOLD


def test_the_same_title_over_another_text_is_not_a_copy() -> None:
    index = near.NearIndex()
    index.add("a", near.fingerprint("What we know so far", LEAD), 0.0)
    assert index.copy_of(near.fingerprint("What we know so far", OTHER)) is None


def test_a_title_without_text_is_never_called_a_copy() -> None:
    index = near.NearIndex()
    index.add("a", near.fingerprint("SOCAR daily market report today", "SOCAR."), 0.0)
    assert len(index) == 0  # too little text to compare: not even indexed
    assert index.copy_of(near.fingerprint("SOCAR daily market report today", "SOCAR.")) is None


def test_furniture_lines_do_not_count() -> None:
    assert near.lead_lines("By Jane Smith\nPublished 5 Jan 2017\nThe story.\nRead more") == ["The story."]


def test_the_index_expires_and_round_trips_through_plain_records() -> None:
    index = near.NearIndex()
    index.add("old", near.fingerprint("Harbour plan", OTHER), 10.0)
    index.add("new", near.fingerprint("Airport shooting", LEAD), 20.0)
    again = near.NearIndex.load(index.dump())
    assert len(again) == 2
    assert again.copy_of(near.fingerprint("Airport shooting", LEAD)).key == "new"
    assert again.expire(15.0) == 1 and "old" not in again and "new" in again
    assert again.copy_of(near.fingerprint("Harbour plan", OTHER)) is None


def test_lookups_visit_band_candidates_only() -> None:
    index = near.NearIndex()
    for n in range(300):
        text = " ".join(f"word{n}x{k}" for k in range(40))
        index.add(f"s{n}", near.fingerprint(f"story {n}", text), float(n))
    probe = near.fingerprint("Airport shooting", LEAD)
    assert len(index.candidates(probe)) < 10  # not a scan of the 300 stored stories


REPORT_A = events.event_terms(
    "5 dead, 8 injured in Fort Lauderdale airport shooting",
    "A gunman opened fire Friday at Fort Lauderdale-Hollywood airport, killing five people. "
    "The suspect, Esteban Santiago, was in custody.",
)
REPORT_B = events.event_terms(
    "Fort Lauderdale airport shooting suspect named as Esteban Santiago",
    "The gunman who killed five people and injured eight at Fort Lauderdale airport on Friday is "
    "Esteban Santiago, 26, now in custody.",
)
TRUMP_A = events.event_terms("Donald Trump asks US ambassadors appointed by Barack Obama to quit", "")
TRUMP_B = events.event_terms("Barack Obama calls for seamless transition for US military to Donald Trump", "")


def test_two_reports_of_one_event_are_the_same_event() -> None:
    assert events.same_event(REPORT_A, REPORT_B)


def test_two_stories_about_the_same_people_are_not_the_same_event() -> None:
    assert not events.same_event(TRUMP_A, TRUMP_B)
    assert not events.same_event(REPORT_A, TRUMP_A)


def test_rare_words_weigh_more_than_common_ones() -> None:
    assert events.rarity("lauderdale") > events.rarity("airport") > events.rarity("said")


def test_the_event_index_threads_reports_onto_the_first_story() -> None:
    index = events.EventIndex()
    assert index.add("first", REPORT_A, 100.0) == "first"
    index.add("trump", TRUMP_A, 110.0)
    found = index.match(REPORT_B, since=0.0)
    assert found is not None and found.event == "first"
    assert index.add("second", REPORT_B, 120.0, found.event) == "first"
    assert index.match(REPORT_B, since=101.0, exclude="second") is None  # outside the window
    again = events.EventIndex.load(index.dump())
    assert again.event_of("second") == "first" and len(again) == 3
    assert again.expire(115.0) == 2 and len(again) == 1


def test_a_stock_description_every_item_shares_does_not_make_copies() -> None:
    stock = "SOCAR said gas flows rose. Officials spoke. Talks go on."
    index = near.NearIndex()
    index.add("a", near.fingerprint("SOCAR truncated old", stock), 0.0)
    assert index.copy_of(near.fingerprint("SOCAR truncated feed keeps its first story", stock)) is None


def test_one_contest_two_rounds_are_two_events() -> None:
    semi = events.event_terms(
        "Nishikori beats Raonic to reach Brisbane International semifinal",
        "Kei Nishikori beat Milos Raonic in straight sets on Thursday to reach the semifinals of the "
        "Brisbane International, where he meets Stan Wawrinka.",
    )
    final = events.event_terms(
        "Nishikori loses Brisbane International final to Dimitrov",
        "Kei Nishikori lost the Brisbane International final to Grigor Dimitrov on Sunday, a day "
        "after he beat Stan Wawrinka in the semifinals.",
    )
    score = events.event_score(semi, final)
    assert score.strong >= 2 and not score.same  # the names are shared; what happened is not


def test_a_report_whose_headline_is_about_something_else_is_another_event() -> None:
    other = events.event_terms(
        "Airport security rules for checked guns to be reviewed",
        "After the Fort Lauderdale airport shooting, in which Esteban Santiago killed five people, "
        "officials will review the rules for guns in checked luggage.",
    )
    score = events.event_score(REPORT_B, other)
    assert score.title_cover < events.MIN_TITLE_COVER and not score.same


def test_stored_records_keep_the_headline_and_skip_what_they_cannot_read() -> None:
    index = events.EventIndex()
    index.add("first", REPORT_A, 100.0)
    records = index.dump()
    assert records[0]["title"] and set(records[0]["names"]) <= set(records[0]["title"])  # type: ignore[arg-type]
    again = events.EventIndex.load([*records, {"key": "broken"}, {"key": "x", "at": "soon"}])
    assert len(again) == 1
    found = again.match(REPORT_B, since=0.0)
    assert found is not None and found.event == "first"


def test_headlines_with_different_numbers_are_different_events() -> None:
    day1 = events.event_terms(
        "SOCAR story number 1 on Caspian gas", "SOCAR said on day 1 that gas flows rose."
    )
    day2 = events.event_terms(
        "SOCAR story number 2 on Caspian gas", "SOCAR said on day 2 that gas flows rose."
    )
    score = events.event_score(day1, day2)
    assert score.title_cover >= events.MIN_TITLE_COVER and not score.numbers_agree and not score.same
