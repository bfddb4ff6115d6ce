"""Letters from the Datenanfragen templates (../shared), in French, English and German."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from holoptic.reveal.letters import (
    LETTER_LANGUAGES,
    LETTER_TYPES,
    InvalidLetter,
    TemplateSyntax,
    compose,
    missing_elements,
    render,
    template_names,
)
from tests.conftest import shared_path

RECORD: dict[str, Any] = {
    "slug": "exampletrack",
    "name": "Exampletrack SAS",
    "runs": ["Exampletrack Ads", "Pixel Exemple"],
    "address": "12 rue de l'Exemple\n75009 Paris\nFrance",
    "email": "dpo@exampletrack.example",
    "fax": "+33 1 23 45 67 89",
    "web": "https://exampletrack.example/",
    "required-elements": [{"desc": "Name", "type": "name"}, {"desc": "E-Mail", "type": "email"}],
}
MEMBER = [("name", "Aline Marchal"), ("email", "aline@example.org")]
# How each language cites an article of the GDPR.
CITES = {"en": "Article {n}", "fr": "Article {n}", "de": "Art. {n}"}
ARTICLE = {"access": 15, "erasure": 17, "objection": 21}


def template(lang: str, name: str) -> str:
    path = Path(shared_path("data", "datenanfragen", "templates")) / lang / f"{name}.txt"
    return path.read_text(encoding="utf-8")


def write(
    letter_type: str,
    lang: str,
    record: dict[str, Any] | None = None,
    name: str | None = None,
    identifiers: list[tuple[str, str]] | None = None,
) -> Any:
    name = name or f"{letter_type}-default"
    return compose(
        record or RECORD,
        name,
        template(lang, name),
        letter_type=letter_type,
        lang=lang,
        identifiers=identifiers or MEMBER,
        written_on=date(2026, 1, 31),
        holder_slug="exampletrack-holder",
    )


@pytest.mark.parametrize("lang", LETTER_LANGUAGES)
@pytest.mark.parametrize("letter_type", LETTER_TYPES)
def test_every_type_in_every_language_is_filled_in_full(letter_type: str, lang: str) -> None:
    letter = write(letter_type, lang)
    text = letter.text
    assert "Aline Marchal" in letter.body and "aline@example.org" in letter.body
    assert "Exampletrack Ads, Pixel Exemple" in letter.body
    assert CITES[lang].format(n=ARTICLE[letter_type]) in letter.body
    assert f"{ARTICLE[letter_type]}" in letter.subject and letter.subject in text
    for syntax in ("[", "]", ">", "{", "}", "<italic>", "</italic>"):
        assert syntax not in text, f"{syntax!r} left in the {lang} {letter_type} letter"
    assert letter.body.rstrip().endswith("Aline Marchal")  # signed
    assert (letter.holder_slug, letter.directory_slug) == ("exampletrack-holder", "exampletrack")
    assert letter.missing == ()


@pytest.mark.parametrize("lang", LETTER_LANGUAGES)
def test_the_letter_is_addressed_to_the_privacy_contact(lang: str) -> None:
    text = write("access", lang).text
    head = text.split("\n\n")[0].splitlines()
    assert head[:4] == ["Exampletrack SAS", "12 rue de l'Exemple", "75009 Paris", "France"]
    assert any("dpo@exampletrack.example" in line for line in head)
    assert any("+33 1 23 45 67 89" in line for line in head)


def test_french_layout_and_labels() -> None:
    letter = write("access", "fr")
    assert "Date : 31/01/2026" in letter.text
    assert "Objet : Demande d'accès aux données personnelles (article 15 du RGPD)" in letter.text
    assert "Nom : Aline Marchal\nAdresse e-mail : aline@example.org\n" in letter.body
    assert "Article 4, alinéa 7 du RGPD : Exampletrack Ads, Pixel Exemple." in letter.body


def test_german_and_english_dates() -> None:
    assert "Datum: 31.01.2026" in write("access", "de").text
    assert "Date: 2026-01-31" in write("access", "en").text


@pytest.mark.parametrize("lang", LETTER_LANGUAGES)
def test_without_runs_the_runs_clause_disappears_cleanly(lang: str) -> None:
    record = {**RECORD, "runs": []}
    for letter_type in LETTER_TYPES:
        body = write(letter_type, lang, record).body
        assert " ." not in body and " ," not in body and ": ." not in body
        assert "Exampletrack Ads" not in body


def test_tracker_access_uses_the_tracking_template() -> None:
    assert template_names("access", RECORD, tracker=True) == ("access-tracking", "access-default")
    assert template_names("erasure", RECORD, tracker=True) == ("erasure-default",)
    custom = {**RECORD, "custom-access-template": "access-tracking"}
    assert template_names("access", custom, tracker=False)[0] == "access-tracking"
    letter = write("access", "en", name="access-tracking")
    assert "cookie ID, device advertising ID" in letter.body
    assert "My contact details are as follows:\nName: Aline Marchal" in letter.body


def test_holder_identifiers_and_extra_ones_are_included_and_labelled() -> None:
    identifiers = [*MEMBER, ("advertising_id", "38400000-8cf0"), ("Kundennummer", "K-42")]
    letter = write("access", "de", identifiers=identifiers)
    assert "Werbe-ID: 38400000-8cf0" in letter.body
    assert "Kundennummer: K-42" in letter.body
    english = write("access", "en", identifiers=identifiers)
    assert "Customer number: K-42" in english.body


def test_a_later_identifier_replaces_an_earlier_one_and_blanks_are_dropped() -> None:
    identifiers = [*MEMBER, ("email", "other@example.org"), ("phone", "  ")]
    letter = write("access", "en", identifiers=identifiers)
    assert "other@example.org" in letter.body and "aline@example.org" not in letter.body
    assert "Phone" not in letter.body


def test_an_identifier_the_holder_has_but_the_records_do_not_show_is_missing() -> None:
    identifiers = [*MEMBER, ("advertising_id", ""), ("cookie_id", "")]
    assert write("access", "en", identifiers=identifiers).missing == (
        "advertising_id",
        "cookie_id",
    )
    given = [*identifiers, ("Advertising ID", "38400000-8cf0")]
    letter = write("access", "en", identifiers=given)
    assert letter.missing == ("cookie_id",)
    assert "Advertising ID: 38400000-8cf0" in letter.body


def test_multi_line_address_goes_on_its_own_lines() -> None:
    identifiers = [*MEMBER, ("address", "1 rue X\n  75001 Paris")]
    body = write("erasure", "fr", identifiers=identifiers).body
    assert "Adresse postale :\n1 rue X\n75001 Paris\n" in body


def test_required_elements_the_member_did_not_give_are_reported() -> None:
    record = {
        **RECORD,
        "required-elements": [
            {"desc": "Name", "type": "name"},
            {"desc": "Geburtsdatum", "type": "birthdate"},
            {"desc": "Kundennummer", "type": "input"},
            {"desc": "Telefon", "type": "input", "optional": True},
        ],
        "needs-id-document": True,
    }
    letter = write("access", "de", record)
    assert letter.missing == ("Geburtsdatum", "Kundennummer")
    assert letter.recipient.needs_id_document
    given = [*MEMBER, ("birthdate", "1990-05-01"), ("customer number", "K-42")]
    assert write("access", "de", record, identifiers=given).missing == ()
    assert missing_elements({"required-elements": "garbage"}, {}) == ()


def test_real_directory_record_for_a_company_with_many_services() -> None:
    import json

    companies = json.loads(
        Path(shared_path("data", "datenanfragen", "companies.json")).read_text(encoding="utf-8")
    )
    google = next(r for r in companies if r["slug"] == "google")
    letter = write("objection", "fr", google)
    assert "Gmail" in letter.body and "YouTube" in letter.body
    assert letter.recipient.email == "data-access-requests@google.com"
    assert letter.recipient.fax == "+1 650 618 1806"
    assert letter.webform == "https://takeout.google.com/"
    assert letter.missing == ()


def test_render_semantics() -> None:
    variables = {"who": "[x>not a flag] {who}", "empty": ""}
    text = render(
        "A[on>B][off>C][has:who>D][has:empty>E][unknown>F] <italic>G</italic> {who}",
        {"on": True, "off": False},
        variables,
    )
    assert text == "ABD G [x>not a flag] {who}\n"  # values are never read as syntax


@pytest.mark.parametrize(
    "template", ["Hello {nobody}", "Open [flag>never closed", "<underline>x</underline>"]
)
def test_unknown_syntax_is_an_error_not_a_letter(template: str) -> None:
    with pytest.raises(TemplateSyntax) as caught:
        render(template, {}, {"who": "x"})
    assert caught.value.code == "reveal.template_syntax"


@pytest.mark.parametrize(("letter_type", "lang"), [("rectification", "fr"), ("access", "es")])
def test_unknown_type_or_language(letter_type: str, lang: str) -> None:
    with pytest.raises(InvalidLetter):
        compose(
            RECORD,
            "access-default",
            "x",
            letter_type=letter_type,
            lang=lang,
            identifiers=MEMBER,
            written_on=date(2026, 1, 31),
        )
