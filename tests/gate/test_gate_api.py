"""``POST /api/v1/uses`` and the lineage declarations, through HTTP."""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator

import prov.model
import pytest
from sqlalchemy import update

from holoptic.db import schema
from holoptic.identity.model import Scope
from holoptic.rules.model import Aggregation
from holoptic.web.app import create_app
from tests.gate.conftest import GPS, LOCATION, PLANNING, PUBLIC_BENEFIT, Commons, point

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx`", category=UserWarning)
    from fastapi.testclient import TestClient


@pytest.fixture
def client(commons: Commons) -> Iterator[TestClient]:
    with TestClient(create_app(commons.services)) as test_client:
        yield test_client


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_permitted_use_returns_the_data_and_its_log_index(
    commons: Commons, client: TestClient
) -> None:
    member = commons.members[0]
    commons.permit(member, categories=frozenset({LOCATION}), purposes=frozenset({PUBLIC_BENEFIT}))
    body = {"purpose": PLANNING, "categories": [LOCATION], "members": [member]}
    response = client.post("/api/v1/uses", json=body, headers=auth(commons.token))
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["decision"] == "permit"
    assert answer["released"]["members"][0]["member"] == member
    days = {item["day"]: item["records"] for item in answer["released"]["members"][0]["items"]}
    assert days == {"2025-06-02": [point(8)], "2025-06-03": [point(9, day=3)]}  # as stored
    proof = client.get(f"/api/v1/log/proof/inclusion?index={answer['log_index']}&size=1")
    assert proof.status_code in (200, 400)  # the log API answers for that index


def test_a_refusal_is_a_403_problem_with_the_explanation(
    commons: Commons, client: TestClient
) -> None:
    member = commons.members[1]
    ban = commons.prohibit(member, categories=frozenset({GPS}))
    body = {"purpose": PLANNING, "categories": [GPS], "members": [member]}
    response = client.post("/api/v1/uses", json=body, headers=auth(commons.token))
    assert response.status_code == 403
    problem = response.json()
    assert problem["code"] == "gate.denied"
    assert problem["explanation"][0]["reasons"][0]["rule"] == ban.id
    assert problem["log_index"] is not None


def test_a_forged_token_is_401_and_logged(commons: Commons, client: TestClient) -> None:
    before = commons.services.log.state().size
    body = {"purpose": PLANNING, "categories": [GPS]}
    response = client.post("/api/v1/uses", json=body, headers=auth("hol_forged"))
    assert response.status_code == 401
    assert response.json()["code"] == "gate.token_invalid"
    assert commons.services.log.state().size == before + 1


def test_a_member_token_cannot_use_the_gate(commons: Commons, client: TestClient) -> None:
    _, secret = commons.services.identity.create_token(commons.members[0], "t", [Scope.DATA_READ])
    body = {"purpose": PLANNING, "categories": [GPS]}
    response = client.post("/api/v1/uses", json=body, headers=auth(secret))
    assert response.status_code == 401


def test_malformed_bodies_are_422_and_not_logged(commons: Commons, client: TestClient) -> None:
    before = commons.services.log.state().size
    for body in (
        {"purpose": PLANNING},
        {"purpose": "not an iri", "categories": [GPS]},
        {"purpose": PLANNING, "categories": [GPS], "aggregation": "exact"},
        {"purpose": PLANNING, "categories": [GPS], "period": {"start": "yesterday"}},
    ):
        response = client.post("/api/v1/uses", json=body, headers=auth(commons.token))
        assert response.status_code == 422, body
    assert commons.services.log.state().size == before


def test_lineage_from_use_to_product_reads_back_as_prov(
    commons: Commons, client: TestClient
) -> None:
    for member in commons.members[:3]:
        commons.permit(member, aggregation=Aggregation.AGGREGATE, min_group_size=3)
    body = {"purpose": PLANNING, "categories": [LOCATION], "aggregation": "aggregate"}
    use = client.post("/api/v1/uses", json=body, headers=auth(commons.token)).json()
    dataset = client.post(
        "/api/v1/datasets",
        json={"name": "Mobilité 2025", "uses": [use["use_id"]]},
        headers=auth(commons.token),
    )
    assert dataset.status_code == 201, dataset.text
    product = client.post(
        "/api/v1/products",
        json={"name": "Tableau de bord", "datasets": [dataset.json()["id"]]},
        headers=auth(commons.token),
    )
    assert product.status_code == 201, product.text
    _, secret = commons.services.identity.create_token(commons.members[0], "t", [Scope.DATA_READ])
    exported = client.get("/api/v1/me/lineage", headers=auth(secret))
    assert exported.status_code == 200
    document = prov.model.ProvDocument.deserialize(content=exported.text, format="json")
    names = {str(record.identifier) for record in document.get_records()}
    assert (
        any("Tableau" in json.dumps(r.attributes, default=str) for r in document.get_records())
        or names
    )
    assert any(dataset.json()["id"] in name for name in names)
    assert any(product.json()["id"] in name for name in names)
    unknown = client.post(
        "/api/v1/datasets", json={"name": "x", "uses": ["nope"]}, headers=auth(commons.token)
    )
    assert unknown.status_code == 422


def test_my_uses_detect_a_tampered_log_row(commons: Commons, client: TestClient) -> None:
    member = commons.members[2]
    commons.permit(member)
    body = {"purpose": PLANNING, "categories": [GPS], "members": [member]}
    client.post("/api/v1/uses", json=body, headers=auth(commons.token))
    _, secret = commons.services.identity.create_token(member, "t", [Scope.DATA_READ])
    [view] = client.get("/api/v1/me/uses", headers=auth(secret)).json()["uses"]
    assert view["proof"]["check"] == "verified"
    assert view["decision"] == "permit"
    with commons.services.engine.begin() as conn:
        leaf = conn.execute(schema.log_leaves.select()).mappings().first()
        assert leaf is not None
        forged = leaf["leaf_bytes"].replace(b'"permit"', b'"deny"')
        conn.execute(update(schema.log_leaves).values(leaf_bytes=forged))
    [view] = client.get("/api/v1/me/uses", headers=auth(secret)).json()["uses"]
    assert view["proof"]["check"] == "tampered"


def test_the_uses_page_shows_uses_rules_and_withdraws_grants(
    commons: Commons, client: TestClient
) -> None:
    services = commons.services
    member = services.identity.sign_up("Zoé", "zoe@valmont.example", "correct horse battery 9")
    services.items.store(
        member.id, "location.point", [{"time": "2025-06-02T08:00:00Z", "lat": 45.1, "lon": 5.7}]
    )
    commons.permit(member.id, categories=frozenset({LOCATION}))
    body = {"purpose": PLANNING, "categories": [GPS], "members": [member.id]}
    client.post("/api/v1/uses", json=body, headers=auth(commons.token))
    login = client.get("/login")
    token = login.text.split('name="csrf_token" value="')[1].split('"')[0]
    client.post(
        "/login",
        data={
            "email": "zoe@valmont.example",
            "password": "correct horse battery 9",
            "csrf_token": token,
        },
        headers={"Accept-Language": "en"},
    )
    page = client.get("/uses", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    assert "Mairie de Valmont" in page.text and "in the log, leaf" in page.text
    assert "Allow anyone to use my Location data" in " ".join(page.text.split())
    [grant] = services.grants.grants(member.id)
    csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    done = client.post(f"/uses/grants/{grant.id}/withdraw", data={"csrf_token": csrf})
    assert done.status_code in (200, 303)
    assert services.grants.grants(member.id)[0].status(services.clock.now()).value == "withdrawn"


def _logged_in(client: TestClient, commons: Commons) -> str:
    services = commons.services
    services.identity.sign_up("Yves", "yves@valmont.example", "correct horse battery 9")
    login = client.get("/login")
    csrf = login.text.split('name="csrf_token" value="')[1].split('"')[0]
    client.post(
        "/login",
        data={
            "email": "yves@valmont.example",
            "password": "correct horse battery 9",
            "csrf_token": csrf,
        },
    )
    page = client.get("/uses", headers={"Accept-Language": "en"})
    return page.text.split('name="csrf_token" value="')[1].split('"')[0]


def test_the_sentence_form_writes_a_rule_and_refuses_a_broken_one(
    commons: Commons, client: TestClient
) -> None:
    csrf = _logged_in(client, commons)
    member = commons.services.vault.find_by_email("yves@valmont.example")
    assert member is not None
    sentence = {
        "csrf_token": csrf,
        "effect": "permit",
        "who": "public_body",
        "category": LOCATION,
        "purpose": "https://w3id.org/dpv#PublicPolicyMaking",
        "level": "aggregate",
        "group": "10",
        "until": "2027-12-31",
    }
    done = client.post("/uses/rules", data=sentence, follow_redirects=False)
    assert done.status_code == 303
    [rule] = commons.services.rules.rules(member.id)
    assert rule.min_group_size == 10 and rule.aggregation is Aggregation.AGGREGATE
    assert rule.validity is not None and rule.validity.end is not None
    assert rule.validity.end.date().isoformat() == "2027-12-31"
    for broken in ({"group": "1"}, {"until": "tomorrow"}, {"level": "exact"}, {"category": "x"}):
        refused = client.post(
            "/uses/rules", data=sentence | broken, headers={"Accept-Language": "en"}
        )
        assert refused.status_code == 422, broken
        assert 'role="alert"' in refused.text
    assert len(commons.services.rules.rules(member.id)) == 1  # nothing half-written
    page = client.get("/uses", headers={"Accept-Language": "en"})
    text = " ".join(page.text.split())
    assert "Allow public bodies to use my Location data for Public policy making" in text
    retired = client.post(
        f"/uses/rules/{rule.id}/retire", data={"csrf_token": csrf}, follow_redirects=False
    )
    assert retired.status_code == 303
    assert commons.services.rules.rules(member.id) == []
