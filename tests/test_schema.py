"""The JSON Schemas the portal publishes: valid, served, linked, and met by every JSON the portal emits."""

from __future__ import annotations

import copy
import filecmp
import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin

import pytest
from fastapi.testclient import TestClient
from jsonschema import Draft202012Validator, ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

import currents
from currents.publish.formats import SEARCH_INDEX_GLOBAL
from currents.publish.site import SCHEMA_DIR
from currents.web.api import OPENAPI_PATH
from currents.web.app import create_app
from portal_data import portal  # noqa: F401 (fixture)

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "corpus"
SCHEMA_FILES = sorted(SCHEMA_DIR.glob("*.json"))
# Schemas are registered under their file names, so their relative $refs resolve as they do when served.
REGISTRY = Registry().with_resources(
    (path.name, Resource.from_contents(json.loads(path.read_text(encoding="utf-8")), DRAFT202012))
    for path in SCHEMA_FILES
)


def validator(name: str) -> Draft202012Validator:
    return Draft202012Validator({"$ref": f"{name}.json"}, registry=REGISTRY)


def check(name: str, value: object, where: str) -> None:
    """Fail with every problem found, and where the JSON came from."""
    problems = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator(name).iter_errors(value)]
    assert not problems, f"{where} does not match {name}.json:\n" + "\n".join(problems[:10])


@pytest.fixture(scope="module")
def examples(tmp_path_factory) -> Iterator[tuple[currents.Currents, Path]]:
    """A store built by the real pipeline over examples/corpus, and its static site."""
    folder = tmp_path_factory.mktemp("examples")
    with currents.open(folder / "examples.db") as opened:
        opened.ingest([EXAMPLES])
        yield opened, opened.build(folder / "site")


# -- the schemas themselves -----------------------------------------------------------
def test_every_schema_is_draft_2020_12_and_every_reference_resolves():
    assert {p.stem for p in SCHEMA_FILES} >= {
        "event", "events", "entity", "entities", "story", "stories", "source", "sources", "search", "error",
        "search-index",
    }  # fmt: skip
    for path in SCHEMA_FILES:
        schema = json.loads(path.read_text(encoding="utf-8"))
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema", path
        Draft202012Validator.check_schema(schema)
        resolver = REGISTRY.resolver(base_uri=path.name)
        for ref in references(schema):
            resolver.lookup(ref)  # raises when a reference points nowhere


def references(value: object) -> Iterator[str]:
    if isinstance(value, dict):
        if isinstance(value.get("$ref"), str):
            yield value["$ref"]
        for child in value.values():
            yield from references(child)
    elif isinstance(value, list):
        for child in value:
            yield from references(child)


# -- the static site ------------------------------------------------------------------
def check_site(site: Path) -> None:
    events = sorted(site.glob("events/*.json"))
    assert events
    for path in events:
        check("event", json.loads(path.read_text(encoding="utf-8")), str(path))
    script = (site / "search" / "index.js").read_text(encoding="utf-8").strip()
    prefix = f"window.{SEARCH_INDEX_GLOBAL} = "
    assert script.startswith(prefix) and script.endswith(";")
    check("search-index", json.loads(script[len(prefix) : -1]), "search/index.js")
    published = site / "schema"
    assert sorted(p.name for p in published.iterdir()) == [p.name for p in SCHEMA_FILES]
    assert all(filecmp.cmp(published / p.name, p, shallow=False) for p in SCHEMA_FILES)


def test_static_site_of_the_example_corpus_matches_its_published_schemas(examples):
    _app, site = examples
    check_site(site)


def test_static_site_of_hostile_articles_matches_its_published_schemas(portal, tmp_path):
    check_site(portal.build(tmp_path / "site"))


def test_event_pages_link_their_schema(examples):
    _app, site = examples
    page = next(site.glob("events/*.html")).read_text(encoding="utf-8")
    assert '<link rel="describedby" type="application/schema+json" href="../schema/event.json" />' in page


# -- the API --------------------------------------------------------------------------
def api_answers(client: TestClient) -> Iterator[tuple[str, str, object]]:
    """(schema, URL, answer) for every list, a sample of every kind of detail, and searches."""

    def get(url: str) -> object:
        response = client.get(url)
        assert response.status_code == 200, (url, response.text)
        return response.json()

    for kind, detail in [("events", "event"), ("entities", "entity"), ("stories", "story"), ("sources", "source")]:
        url = f"/api/{kind}?limit=50"
        listed = get(url)
        yield kind, url, listed
        for item in listed["items"][:15]:
            yield detail, f"/api/{kind}/{item['id']}", get(f"/api/{kind}/{item['id']}")
    headline = get("/api/events?limit=1")["items"][0]["headline"]
    for kind in ("events", "articles"):
        url = f"/api/search?kind={kind}&q={headline.split()[0]}"
        yield "search", url, get(url)


def test_api_answers_of_the_example_corpus_match_the_published_schemas(examples):
    app, _site = examples
    answers = list(api_answers(TestClient(create_app(app.store))))
    assert len({url for _schema, url, _answer in answers}) > 20
    for schema, url, answer in answers:
        check(schema, answer, url)


def test_api_answers_of_hostile_articles_match_the_published_schemas(portal):
    for schema, url, answer in api_answers(TestClient(create_app(portal.store))):
        check(schema, answer, url)


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/api/events/no-such-event", 404),
        ("/api/nothing", 404),
        ("/api/events?limit=0", 400),
        ("/api/search?q=%22unclosed", 400),
        ("/api/search?q=pier&since=yesterday", 400),
    ],
)
def test_api_errors_match_the_error_schema(portal, url, status):
    response = TestClient(create_app(portal.store)).get(url)
    assert response.status_code == status
    check("error", response.json(), url)


def test_openapi_points_every_route_at_a_schema_the_server_publishes(portal):
    client = TestClient(create_app(portal.store))
    document = client.get(OPENAPI_PATH).json()
    assert len(document["paths"]) == 9
    for path, methods in document["paths"].items():
        responses = methods["get"]["responses"]
        assert set(responses) == {"200", "4XX"}, path  # no 422: the API answers bad parameters with 400
        for status, answer in responses.items():
            ref = answer["content"]["application/json"]["schema"]["$ref"]
            served = client.get(urljoin(OPENAPI_PATH, ref))
            assert served.status_code == 200, (path, ref)
            if status == "4XX":
                assert ref.endswith("/error.json"), path
            assert served.json() == json.loads((SCHEMA_DIR / ref.rsplit("/", 1)[1]).read_text(encoding="utf-8"))


# -- the schemas are strict enough to catch a drift -------------------------------------
def mutated(event: dict, change: str) -> dict:
    broken = copy.deepcopy(event)
    if change == "unknown key":
        broken["extra"] = 1
    elif change == "missing headline":
        del broken["headline"]
    elif change == "javascript href":
        broken["articles"][0]["href"] = "javascript:alert(1)"
    elif change == "absolute path":
        broken["formats"]["json"] = "/events/x.json"
    elif change == "week granularity":
        broken["date"] = {**broken["date"], "granularity": "week"}
    elif change == "summary as text":
        broken["summary"] = "a summary"
    elif change == "note without its sentence":
        broken["notes"][0]["path"] = broken["notes"][0]["path"].split("#")[0]
    elif change == "uncited summary sentence":
        del broken["summary"]["sentences"][0]["notes"]
    elif change == "framing over 100%":
        broken["comparison"]["framing"][0]["percent"] = 140
    return broken


@pytest.mark.parametrize(
    "change",
    [
        "unknown key",
        "missing headline",
        "javascript href",
        "absolute path",
        "week granularity",
        "summary as text",
        "note without its sentence",
        "uncited summary sentence",
        "framing over 100%",
    ],
)
def test_event_schema_rejects_what_the_portal_must_not_publish(examples, change):
    _app, site = examples
    event = next(
        data
        for data in (json.loads(p.read_text(encoding="utf-8")) for p in site.glob("events/*.json"))
        if data["date"] and data["articles"] and data["notes"] and data["comparison"]["framing"]
    )
    with pytest.raises(ValidationError):
        validator("event").validate(mutated(event, change))
