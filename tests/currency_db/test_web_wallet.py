"""The wallet pays with a re-entered password; the designer saves versions or lists
every problem; the books page shows a balanced trial balance."""

from __future__ import annotations

import re
import warnings

from fastapi import FastAPI

from holoptic.bootstrap import Services
from holoptic.demo.money import SPEC
from holoptic.vault.model import Role
from holoptic.web.app import create_app

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx`", category=UserWarning)
    from fastapi.testclient import TestClient

PASSWORD = "correct horse battery 9"


def csrf(client: TestClient, path: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    assert found is not None
    return found.group(1)


def login(app: FastAPI, email: str) -> TestClient:
    client = TestClient(app, headers={"Accept-Language": "en"})
    client.post(
        "/login", data={"email": email, "password": PASSWORD, "csrf_token": csrf(client, "/login")}
    )
    return client


def setup(services: Services) -> tuple[str, str]:
    services.vault.create_community("valmont", "Valmont-sur-Lize")
    aline = services.identity.sign_up(
        "Aline", "aline@valmont.example", PASSWORD, community="valmont"
    )
    bruno = services.identity.sign_up(
        "Bruno", "bruno@valmont.example", PASSWORD, community="valmont", role=Role.STEWARD
    )
    services.currencies.create(SPEC.read_text())
    for member in (aline, bruno):
        services.payments.locate("VAL", member.id, 5.0, 45.0)
    return aline.id, bruno.id


def test_the_wallet_pays_once_and_only_with_the_password(services: Services) -> None:
    _aline, bruno = setup(services)
    app = create_app(services)
    client = login(app, "aline@valmont.example")
    page = client.get("/wallet")
    assert page.status_code == 200 and "Valmont" in page.text and "0.00 VAL" in page.text
    order = re.search(r'name="order_id" value="([^"]+)"', page.text)
    assert order is not None
    form = {
        "csrf_token": csrf(client, "/wallet"),
        "currency": "VAL",
        "payee": bruno,
        "amount": "12.50",
        "category": "food",
        "order_id": order.group(1),
    }
    wrong = client.post("/wallet/pay", data=form | {"password": "nope"})
    assert wrong.status_code == 403 and "Wrong password" in wrong.text
    paid = client.post("/wallet/pay", data=form | {"password": PASSWORD})
    assert paid.status_code == 200 and "Paid 12.50 VAL" in paid.text
    again = client.post("/wallet/pay", data=form | {"password": PASSWORD})
    assert again.status_code == 200  # a double submit: the same order, applied once
    assert services.books.check("VAL")[0].transfers == 1
    assert "-12.50 VAL" in client.get("/wallet").text
    flight = client.post(
        "/wallet/pay",
        data=form | {"password": PASSWORD, "order_id": "f-1", "category": "air_travel"},
    )
    assert flight.status_code == 422 and "refused_category" in flight.text


def test_the_designer_saves_a_new_version_or_lists_problems(services: Services) -> None:
    setup(services)
    client = login(create_app(services), "bruno@valmont.example")
    page = client.get("/steward/currency/VAL")
    assert page.status_code == 200
    assert "code = &#34;VAL&#34;" in page.text or 'code = "VAL"' in page.text
    token = csrf(client, "/steward/currency/VAL")
    text = SPEC.read_text()
    broken = text.replace("version = 1", "version = 2").replace('rate = "0.5%"', 'rate = "120%"')
    refused = client.post("/steward/currency/VAL", data={"csrf_token": token, "spec": broken})
    assert refused.status_code == 422 and "demurrage" in refused.text
    assert services.currencies.spec("VAL").version == 1
    better = text.replace("version = 1", "version = 2").replace('rate = "0.5%"', 'rate = "1%"')
    saved = client.post("/steward/currency/VAL", data={"csrf_token": token, "spec": better})
    assert saved.status_code == 200 and "Saved as version 2" in saved.text
    assert services.currencies.spec("VAL").demurrage is not None
    assert services.currencies.spec("VAL").version == 2
    books = client.get("/steward/ledger/VAL")
    assert books.status_code == 200 and "Every invariant holds" in books.text
    assert (
        login(create_app(services), "aline@valmont.example").get("/steward/ledger/VAL").status_code
        == 403
    )


def test_the_wallet_changes_money_across_a_link_once(services: Services) -> None:
    setup(services)
    client = login(create_app(services), "aline@valmont.example")
    page = client.get("/wallet")
    assert "1 VAL = 1 EUR, fee 2 %" in page.text and "at most 500.00 VAL a day" in page.text
    order = re.search(
        r'action="/wallet/exchange".*?name="order_id" value="([^"]+)"', page.text, re.S
    )
    assert order is not None
    form = {
        "csrf_token": csrf(client, "/wallet"),
        "currency": "VAL",
        "to_currency": "EUR",
        "amount": "20.00",
        "order_id": order.group(1),
    }
    wrong = client.post("/wallet/exchange", data=form | {"password": "nope"})
    assert wrong.status_code == 403 and services.books.check("VAL")[0].transfers == 0
    done = client.post("/wallet/exchange", data=form | {"password": PASSWORD})
    assert done.status_code == 200
    assert "Changed 20.00 VAL into 19.60 EUR (fee 0.40 VAL)" in done.text
    moved = services.books.check("VAL")[0].transfers
    again = client.post("/wallet/exchange", data=form | {"password": PASSWORD})
    assert again.status_code == 200 and services.books.check("VAL")[0].transfers == moved
    nowhere = client.post(
        "/wallet/exchange",
        data=form | {"password": PASSWORD, "order_id": "x-1", "to_currency": "XYZ"},
    )
    assert nowhere.status_code == 422 and "no_exchange_link" in nowhere.text
    assert services.books.check("VAL")[0].transfers == moved
    assert "-20.00 VAL" in client.get("/wallet").text
