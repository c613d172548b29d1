"""Names the small spaCy model misreads, read as the article means them (real model, texts written here).

What a reader of an entity list notices: "Najib" said alone is the Najib Razak
introduced before, a clause after a spaced dash is no part of a name, a
title-case headline's runs of capitals are not entities unless the body names
them, a formal place name is its place, and "Samsung Galaxy" written inside
"Samsung Galaxy S2" is no second mention of the product line.
"""

from __future__ import annotations

from test_entities import entities_of

from currents.text.entities import local_entities


def with_headline(nlp, body: str, headline: str) -> dict[str, object]:
    """The entities of an article with this headline, by name."""
    return {entity.name: entity for entity in local_entities(nlp(body), nlp(headline))}


def test_a_first_name_said_alone_is_the_person_whatever_the_model_tagged(nlp):
    found = entities_of(
        nlp,
        'Malaysian Prime Minister Najib Razak said the search would go on. "We will not give up," Najib said.',
    )
    najib = found["Najib Razak"]
    assert najib.type == "PERSON" and najib.mentions == 2 and "Najib" in najib.surfaces
    assert "Najib" not in found


def test_a_company_written_alone_more_often_than_a_misread_person_stays_a_company(nlp):
    found = entities_of(
        nlp,
        "Sales of Samsung phones rose. Samsung Apps is now called Galaxy Apps, Samsung said, and Samsung shares rose.",
    )
    assert found["Samsung"].type == "ORG" and found["Samsung"].mentions == 3


def test_a_spaced_dash_ends_a_name(nlp):
    found = entities_of(
        nlp,
        "Chelsea signed him before the World Cup - I can go there with a clear mind, he said. "
        "He also led his country to the World Cup finals.",
    )
    assert found["World Cup"].mentions == 2
    assert not [name for name in found if "-" in name]


def test_a_title_case_headline_keeps_only_names_the_body_writes(nlp):
    found = with_headline(
        nlp,
        "The trailer for the film about Nelson Mandela has a new song by U2. U2 wrote it last year.",
        "Trailer Features New U2 Song For Mandela Film",
    )
    assert set(found) == {"Nelson Mandela", "U2"}
    body = "Ministers met in Brussels on Monday. The talks in Brussels stalled."
    confirmed = with_headline(nlp, body, "Ministers Meet In Brussels As Talks Stall")
    assert confirmed["Brussels"].mentions == 3 and confirmed["Brussels"].first_offset == 0


def test_a_formal_place_name_is_the_place(nlp):
    found = entities_of(
        nlp,
        "Russia annexed the Autonomous Republic of Crimea after a disputed vote. "
        "Ukraine says Crimea remains Ukrainian territory.",
    )
    crimea = found["Crimea"]
    assert crimea.type == "GPE" and crimea.mentions == 2
    assert "the Autonomous Republic of Crimea" in crimea.surfaces


def test_a_name_inside_a_longer_untagged_name_is_not_a_repeat(nlp):
    found = entities_of(
        nlp,
        "Each Samsung Galaxy device sold better than the one before. The Samsung Galaxy S2 took five months "
        "to reach that mark, and the Samsung Galaxy S3 took fifty days.",
    )
    assert found["Samsung Galaxy"].mentions == 1
