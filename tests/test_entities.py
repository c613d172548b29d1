"""An article's entities, keyphrases and language, through the real spaCy model.

What a reader of an article page notices: one "Vladimir Putin" however the
article names him, "ICC" shown as the International Criminal Court, "Russian"
and "the Kremlin" counted as Russia, countries typed as places even when the
small model calls them people, and no entities made of table rows or links.
"""

from __future__ import annotations

import pytest

from currents.text.countries import country_for
from currents.text.entities import entities_by_sentence, local_entities
from currents.text.keyphrases import keyphrases
from currents.text.language import detect_language





def entities_of(nlp, text: str) -> dict[str, object]:
    """The article's entities by name."""
    return {entity.name: entity for entity in local_entities(nlp(text))}


def seed_text(seeds, number: str) -> str:
    [path] = [p for p in seeds if p.name.startswith(number)]
    return path.read_text(encoding="utf-8")


# -- the country table ---------------------------------------------------------


@pytest.mark.parametrize(
    "written, country",
    [
        ("Russian", "Russia"),
        ("Russians", "Russia"),
        ("Russia's", "Russia"),
        ("Russia’s", "Russia"),
        ("the Russian Federation", "Russia"),
        ("the Kremlin", "Russia"),
        ("the White House", "United States"),
        ("Downing Street", "United Kingdom"),
        ("the Élysée", "France"),
        ("US", "United States"),
        ("U.S.", "United States"),
        ("the U.S.", "United States"),
        ("UK", "United Kingdom"),
        ("Britain", "United Kingdom"),
        ("the Philippines", "Philippines"),
        ("Filipino", "Philippines"),
        ("the Netherlands", "Netherlands"),
        ("Dutch", "Netherlands"),
        ("Burkinabe", "Burkina Faso"),
        ("Burkinabé", "Burkina Faso"),
        ("Malian", "Mali"),
        ("Nigerien", "Niger"),
        ("Nigerian", "Nigeria"),
        ("Côte d'Ivoire", "Ivory Coast"),
        ("Burma", "Myanmar"),
        ("The Gambia", "Gambia"),
    ],
)
def test_every_way_of_naming_a_country_gives_its_short_name(written, country):
    assert country_for(written) == country


@pytest.mark.parametrize("written", ["Islamist", "Jihadist", "Democrats", "Crimea", "Moscow", "IT", "us"])
def test_groups_cities_and_ordinary_words_are_not_countries(written):
    assert country_for(written) is None


# -- grouping mentions within an article ---------------------------------------------


def test_titles_are_stripped_and_a_surname_alone_joins_the_full_name(nlp):
    found = entities_of(
        nlp,
        "Russian President Vladimir Putin met Chinese leaders in Beijing on Monday. " "Putin said the talks went well.",
    )
    putin = found["Vladimir Putin"]
    assert putin.type == "PERSON"
    assert putin.mentions == 2
    assert {"Putin", "Russian President Vladimir Putin"} <= set(putin.surfaces)
    assert "Putin" not in found
    assert found["Russia"].type == "GPE" and "Russian" in found["Russia"].surfaces
    assert found["China"].surfaces == ["Chinese"]


def test_a_surname_shared_by_relatives_goes_to_the_person_introduced_first(nlp):
    found = entities_of(
        nlp,
        "Mark Jenkins was arrested in Leeds on Monday. His father, Peter Jenkins, told reporters he was shocked. "
        "Jenkins had travelled to Spain twice last year.",
    )
    assert "Jenkins" in found["Mark Jenkins"].surfaces
    assert found["Mark Jenkins"].mentions == 2
    assert found["Peter Jenkins"].mentions == 1
    assert "Jenkins" not in found


def test_a_declared_acronym_and_initials_join_the_long_name(nlp):
    found = entities_of(
        nlp,
        "The Organisation for the Prohibition of Chemical Weapons (OPCW) sent inspectors to Syria. "
        "The OPCW said its team would report to the United Nations next week. A UN spokesman welcomed the move.",
    )
    opcw = found["Organisation for the Prohibition of Chemical Weapons"]
    assert "OPCW" in opcw.surfaces and opcw.mentions == 3
    assert "UN" in found["United Nations"].surfaces
    assert "OPCW" not in found and "UN" not in found


def test_a_country_word_inside_a_persons_name_stays_a_person(nlp):
    found = entities_of(nlp, "Michael Jordan returned to Chicago on Friday. Jordan said he was happy to be home.")
    assert found["Michael Jordan"].type == "PERSON"
    assert "Jordan" in found["Michael Jordan"].surfaces
    assert "Jordan" not in found


def test_nationalities_become_countries_and_vague_regions_are_dropped(nlp):
    found = entities_of(
        nlp,
        "Malian officials met Burkinabe diplomats in the Netherlands. Islamist groups and African nations "
        "were discussed, and the U.S. and the UK sent observers to the Philippines.",
    )
    for country in ("Mali", "Burkina Faso", "Netherlands", "United States", "United Kingdom", "Philippines"):
        assert found[country].type == "GPE"
    assert found["Islamist"].type == "NORP"
    assert "African" not in found


def test_a_dateline_in_capitals_names_the_place_normally(nlp):
    found = entities_of(nlp, "WASHINGTON — The president met NATO leaders on Tuesday.")
    assert found["Washington"].surfaces == ["WASHINGTON"]
    assert "NATO" in found


def test_tables_and_link_lists_give_no_entities(nlp):
    found = entities_of(
        nlp,
        "Ministers from France and Germany met in Brussels on Tuesday to discuss the budget.\n"
        "| Country | Capital | Population |\n"
        "| Italy | Rome | 59,000,000 |\n"
        "| Spain | Madrid | 47,000,000 |\n"
        "[Home](/news/2016/11/16/index.md) [Portugal](/news/world/portugal/index.md)\n",
    )
    assert set(found) == {"France", "Germany", "Brussels"}


def test_sentences_list_the_entities_they_mention(nlp):
    doc = nlp("Russia signed the Rome Statute in 2000. The Kremlin never ratified it. Nothing else happened.")
    by_sentence = entities_by_sentence(doc, local_entities(doc))
    assert by_sentence[0] == ["Russia", "Rome Statute"]
    assert by_sentence[1] == ["Russia"]
    assert 2 not in by_sentence


# -- the seeds --------------------------------------------------------------------


@pytest.mark.parametrize("seed", ["000", "001", "002"])
def test_seed_names_putin_and_the_icc_once_each(nlp, seeds, seed):
    entities = local_entities(nlp(seed_text(seeds, seed)))
    putins = [e for e in entities if any("Putin" in s for s in e.surfaces)]
    assert [e.name for e in putins] == ["Vladimir Putin"]
    assert {"Vladimir Putin", "Russian President Vladimir Putin"} <= set(putins[0].surfaces)
    courts = [e for e in entities if "ICC" in e.surfaces or "International Criminal Court" in e.name]
    assert [e.name for e in courts] == ["International Criminal Court"]
    assert "ICC" in courts[0].surfaces


def test_seed_000_putin_in_the_headline_is_the_president(nlp, seeds):
    entities = local_entities(nlp(seed_text(seeds, "000")))
    [putin] = [e for e in entities if e.name == "Vladimir Putin"]
    assert "Putin" in putin.surfaces and putin.mentions == 2


@pytest.mark.parametrize("seed, forms", [("000", {"Russia", "Russian"}), ("001", {"Russia", "Russian", "Kremlin"})])
def test_seed_russian_and_the_kremlin_are_russia(nlp, seeds, seed, forms):
    entities = local_entities(nlp(seed_text(seeds, seed)))
    [russia] = [e for e in entities if e.name == "Russia"]
    assert russia.type == "GPE"
    assert forms <= set(russia.surfaces)
    assert not [e for e in entities if e.name in {"Russian", "Kremlin"}]


def test_seed_004_sahel_juntas_are_countries(nlp, seeds):
    entities = local_entities(nlp(seed_text(seeds, "004")))
    by_name = {e.name: e for e in entities}
    for country in ("Mali", "Burkina Faso", "Niger", "Philippines", "Burundi"):
        assert by_name[country].type == "GPE"
    assert "Malian" in by_name["Mali"].surfaces
    people = {e.name for e in entities if e.type == "PERSON"}
    assert not people & {"Mali", "Burkina Faso", "Niger"}


def test_seed_000_dated_sentence_lists_its_entities(nlp, seeds):
    doc = nlp(seed_text(seeds, "000"))
    by_sentence = entities_by_sentence(doc, local_entities(doc))
    [index] = [i for i, s in enumerate(doc.sents) if s.text.startswith("Russia had in 2000 signed")]
    assert by_sentence[index][:2] == ["Russia", "Rome Statute"]
    assert "International Criminal Court" in by_sentence[index]


# -- keyphrases ------------------------------------------------------------------------


@pytest.mark.parametrize("seed", ["000", "001", "002", "004"])
def test_seed_keyphrases_name_the_court(nlp, seeds, seed):
    phrases = keyphrases(nlp(seed_text(seeds, seed)))
    assert 0 < len(phrases) <= 10
    assert "International Criminal Court" in phrases


def test_keyphrases_prefer_phrases_and_do_not_repeat_them(nlp):
    doc = nlp(
        "Prosecutors accused the army of war crimes in the north. The war crimes inquiry will take a year. "
        "Investigators said the war crimes were committed in 2015. Crimes against civilians are rising."
    )
    phrases = keyphrases(doc, limit=5)
    assert phrases[0] == "war crimes"
    assert "crimes" not in phrases
    assert len(phrases) == len(set(phrases)) <= 5


def test_a_title_phrase_counts_double(nlp):
    doc = nlp("The budget vote was delayed. Farmers protested against the fuel tax in the capital.")
    assert keyphrases(doc, limit=1, title="Fuel tax protests") == ["fuel tax"]


# -- language ----------------------------------------------------------------------------


def test_english_seed_is_english(seeds):
    language, confidence = detect_language(seed_text(seeds, "002"))
    assert language == "en" and confidence > 0.9


def test_a_german_article_is_german():
    text = (
        "Die Bundesregierung hat am Mittwoch beschlossen, dass die neue Regelung ab dem kommenden Jahr "
        "gelten soll. Kritiker sprechen von einem schweren Fehler, der viele Menschen in den Städten "
        "treffen wird, und fordern eine Abstimmung im Bundestag."
    )
    language, confidence = detect_language(text)
    assert language == "de" and confidence > 0.9


def test_a_headline_is_too_short_to_tell():
    assert detect_language("Russia withdraws from the International Criminal Court") == (None, 0.0)
