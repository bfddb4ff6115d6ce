"""GDPR letters from the Datenanfragen templates: pure text composition, no storage.

The Datenanfragen directory (CC0) ships request templates per language with a small
syntax, the one its own letter generator understands:

- ``[flag>text]`` keeps ``text`` when ``flag`` is set and drops it otherwise (no nesting:
  the block ends at the first ``]``); ``[has:var>text]`` is set when variable ``var`` is
  not empty;
- ``{var}`` is replaced by the variable's value (``{id_data}``, ``{runs_list}``, …);
- ``<italic>…</italic>`` (and ``<bold>``) mark up text for the PDF letter.

Holoptic writes plain text, so markup is dropped. Anything left of that syntax after
filling means the template uses a construct this module does not know: that is an
error, never a letter with brackets in it.

Letters are written in the language of the letter (fr, en or de), which is not the
language of the interface: the words this module adds around a template (subject,
labels of the identifiers, header) are therefore tables here, not gettext messages,
whose catalogues only cover the interface languages.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from holoptic.errors import InvalidInput, NotFound
from holoptic.reveal.directory import contact_of
from holoptic.reveal.model import Contact

LETTER_TYPES = ("access", "erasure", "objection")
LETTER_LANGUAGES = ("fr", "en", "de")
ARTICLES = {"access": 15, "erasure": 17, "objection": 21}

SUBJECTS: Mapping[str, Mapping[str, str]] = {
    "access": {
        "en": "Request for access to personal data (Article 15 GDPR)",
        "fr": "Demande d'accès aux données personnelles (article 15 du RGPD)",
        "de": "Auskunftsersuchen nach Art. 15 DSGVO",
    },
    "erasure": {
        "en": "Request for erasure of personal data (Article 17 GDPR)",
        "fr": "Demande d'effacement des données personnelles (article 17 du RGPD)",
        "de": "Antrag auf Löschung personenbezogener Daten nach Art. 17 DSGVO",
    },
    "objection": {
        "en": "Objection to the processing of personal data (Article 21 GDPR)",
        "fr": "Opposition au traitement des données personnelles (article 21 du RGPD)",
        "de": "Widerspruch gegen die Verarbeitung personenbezogener Daten nach Art. 21 DSGVO",
    },
}

# What the member may be known by, labelled in each letter language (en, fr, de).
LABELS: Mapping[str, tuple[str, str, str]] = {
    "name": ("Name", "Nom", "Name"),
    "email": ("E-mail address", "Adresse e-mail", "E-Mail-Adresse"),
    "address": ("Postal address", "Adresse postale", "Postanschrift"),
    "birthdate": ("Date of birth", "Date de naissance", "Geburtsdatum"),
    "phone": ("Phone number", "Numéro de téléphone", "Telefonnummer"),
    "username": ("Username", "Nom d'utilisateur", "Benutzername"),
    "customer_number": ("Customer number", "Numéro de client", "Kundennummer"),
    "user_id": ("User ID", "Identifiant utilisateur", "Benutzerkennung"),
    "advertising_id": ("Advertising ID", "Identifiant publicitaire", "Werbe-ID"),
    "cookie_id": ("Cookie ID", "Identifiant de cookie", "Cookie-ID"),
}
_LANG_INDEX = {"en": 0, "fr": 1, "de": 2}

# Header words: (date, subject, e-mail, fax, separator before the colon).
HEADER: Mapping[str, tuple[str, str, str, str, str]] = {
    "en": ("Date", "Subject", "E-mail", "Fax", ""),
    "fr": ("Date", "Objet", "E-mail", "Fax", " "),
    "de": ("Datum", "Betreff", "E-Mail", "Fax", ""),
}
DATE_FORMATS = {"en": "%Y-%m-%d", "fr": "%d/%m/%Y", "de": "%d.%m.%Y"}

_FLAG = re.compile(r"\[(?P<flag>[a-z0-9_]+(?::[a-z0-9_]+)?)>(?P<text>[^\]]*)\]")
_VARIABLE = re.compile(r"\{(?P<name>[a-z0-9_]+)\}")
_MARKUP = re.compile(r"</?(?:italic|bold)>")
_LEFTOVER = re.compile(r"\[[^\]\s]*>|</?[a-z]+>|\{[a-z0-9_]+\}")


class InvalidLetter(InvalidInput):
    """The letter type or language is not one Holoptic writes."""

    code = "reveal.invalid_letter"


class TemplateSyntax(InvalidInput):
    """A template uses a construct this module does not know."""

    code = "reveal.template_syntax"


class NoContact(NotFound):
    """The holder has no directory record, so there is nobody to write to."""

    code = "reveal.no_contact"


class NoTemplate(NotFound):
    """The active directory version has no template for this letter."""

    code = "reveal.no_template"


@dataclass(frozen=True, slots=True)
class Letter:
    """A filled GDPR request, ready to send by e-mail, post or fax."""

    holder_slug: str
    holder_name: str
    directory_slug: str
    type: str
    lang: str
    template: str  # the Datenanfragen template it was written from, e.g. "access-default"
    written_on: date
    subject: str
    body: str  # the filled template, signed
    recipient: Contact
    webform: str | None  # the holder's privacy web form, when it prefers one
    identifiers: tuple[tuple[str, str], ...]  # (label, value) as they appear in the letter
    missing: tuple[str, ...]  # what the holder needs to identify the member and was not given

    @property
    def article(self) -> int:
        return ARTICLES[self.type]

    @property
    def text(self) -> str:
        """The whole letter: recipient block, date, subject, body."""
        date_word, subject_word, _, _, sep = HEADER[self.lang]
        day = self.written_on.strftime(DATE_FORMATS[self.lang])
        head = "\n".join(recipient_lines(self.recipient, self.lang))
        return (
            f"{head}\n\n{date_word}{sep}: {day}\n{subject_word}{sep}: {self.subject}\n\n{self.body}"
        )


def check_choice(letter_type: str, lang: str) -> None:
    for value, choices in ((letter_type, LETTER_TYPES), (lang, LETTER_LANGUAGES)):
        if value not in choices:
            raise InvalidLetter(
                f'cannot write a "{value}" letter: use one of {", ".join(choices)}',
                value=value,
                choices=", ".join(choices),
            )


def template_names(letter_type: str, record: Mapping[str, Any], tracker: bool) -> tuple[str, ...]:
    """Templates to try, best first: the record's own, the tracker one, the default."""
    names: list[str] = []
    custom = record.get(f"custom-{letter_type}-template")
    if isinstance(custom, str) and custom:
        names.append(custom)
    if letter_type == "access" and tracker:
        names.append("access-tracking")
    names.append(f"{letter_type}-default")
    return tuple(dict.fromkeys(names))


def _text(record: Mapping[str, Any], key: str) -> str | None:
    value = record.get(key)
    return (value.strip() or None) if isinstance(value, str) else None


def recipient_lines(recipient: Contact, lang: str) -> list[str]:
    _, _, email_word, fax_word, sep = HEADER[lang]
    lines = [recipient.name]
    if recipient.address:
        lines += [line.strip() for line in recipient.address.splitlines() if line.strip()]
    if recipient.email:
        lines.append(f"{email_word}{sep}: {recipient.email}")
    if recipient.fax:
        lines.append(f"{fax_word}{sep}: {recipient.fax}")
    return lines


def compose(
    record: Mapping[str, Any],
    template_name: str,
    template: str,
    *,
    letter_type: str,
    lang: str,
    identifiers: Iterable[tuple[str, str]],
    written_on: date,
    holder_slug: str | None = None,
    holder_name: str | None = None,
    contact: Contact | None = None,
) -> Letter:
    """Fill ``template`` for the holder of ``record`` with the member's ``identifiers``.

    ``identifiers`` are (key, value) pairs, most trusted last: a later value for a key
    replaces an earlier one, and a pair with an empty value says the holder knows the
    member by that key without the records showing its value (it is reported missing
    unless given). ``name`` signs the letter. ``contact`` defaults to the record's.
    """
    check_choice(letter_type, lang)
    pairs = list(identifiers)
    given = _canonical_identifiers(pairs)
    labelled = tuple((_label(key, shown, lang), value) for key, (shown, value) in given.items())
    recipient = contact or contact_of(record)
    body = render(template, *_fill(labelled, recipient.runs, lang))
    signature = given.get("name", ("", ""))[1]
    unknown = (k for k, v in pairs if not v.strip() and canonical_key(k) not in given)
    return Letter(
        holder_slug=holder_slug or recipient.directory_slug,
        holder_name=holder_name or recipient.name,
        directory_slug=recipient.directory_slug,
        type=letter_type,
        lang=lang,
        template=template_name,
        written_on=written_on,
        subject=SUBJECTS[letter_type][lang],
        body=f"{body.rstrip()}\n{signature}\n" if signature else f"{body.rstrip()}\n",
        recipient=recipient,
        webform=_text(record, "webform"),
        identifiers=labelled,
        missing=tuple(dict.fromkeys([*missing_elements(record, given), *unknown])),
    )


def _fill(
    labelled: tuple[tuple[str, str], ...], runs: tuple[str, ...], lang: str
) -> tuple[dict[str, bool], dict[str, str]]:
    """The flags and variables of the three request types.

    Like Datenanfragen's defaults: an access request asks for a portable copy too, an
    erasure request covers all data, and objection is its own letter.
    """
    id_data = "".join(_id_line(label, value, HEADER[lang][4]) for label, value in labelled)
    runs = tuple(r.strip() for r in runs if r.strip())
    flags = {
        "runs": bool(runs),
        "has_fields": bool(id_data),
        "data_portability": True,
        "erase_all": True,
        "erase_some": False,
        "include_objection": False,
        "has_objection_reason": False,
    }
    variables = {
        "id_data": id_data,
        "runs_list": ", ".join(runs),
        "erasure_data": "",
        "objection_reason": "",
    }
    return flags, variables


def render(template: str, flags: Mapping[str, bool], variables: Mapping[str, str]) -> str:
    """Plain text from a Datenanfragen template; unknown constructs are an error.

    Variables are filled last, so a value (a name, a list of services) is never read as
    template syntax.
    """

    def flag(match: re.Match[str]) -> str:
        name = match["flag"]
        variable = name.removeprefix("has:")
        keep = bool(variables.get(variable)) if variable != name else flags.get(name, False)
        return match["text"] if keep else ""

    text = _MARKUP.sub("", _FLAG.sub(flag, template))
    unknown = sorted(
        {
            m.group(0)
            for m in _LEFTOVER.finditer(text)
            if not (m.group(0).startswith("{") and m.group(0)[1:-1] in variables)
        }
    )
    if unknown:
        raise TemplateSyntax(
            f"the template uses syntax Holoptic does not know: {', '.join(unknown)}",
            constructs=", ".join(unknown),
        )
    text = _VARIABLE.sub(lambda m: variables[m["name"]], text)
    return _tidy(text)


def missing_elements(
    record: Mapping[str, Any], given: Mapping[str, tuple[str, str]]
) -> tuple[str, ...]:
    """The directory's required identification elements the member did not give."""
    missing: list[str] = []
    for element in record.get("required-elements") or ():
        if not isinstance(element, Mapping) or element.get("optional") is True:
            continue
        desc = str(element.get("desc", "")).strip()
        kind = str(element.get("type", "input"))
        keys = {kind, canonical_key(desc)} if kind != "input" else {canonical_key(desc)}
        if desc and not keys & set(given):
            missing.append(desc)
    return tuple(missing)


def canonical_key(key: str) -> str:
    """``Kundennummer``, ``customer number`` and ``customer_number`` are the same key."""
    simple = re.sub(r"[\s\-]+", "_", key.strip().lower())
    for known, labels in LABELS.items():
        if simple == known or simple in {re.sub(r"[\s\-]+", "_", x.lower()) for x in labels}:
            return known
    return simple


def _canonical_identifiers(
    identifiers: Iterable[tuple[str, str]],
) -> dict[str, tuple[str, str]]:
    """key -> (key as given, value), non-empty values only, later pairs win."""
    given: dict[str, tuple[str, str]] = {}
    for key, value in identifiers:
        if key.strip() and value and value.strip():
            given[canonical_key(key)] = (key.strip(), value.strip())
    return given


def _label(key: str, shown: str, lang: str) -> str:
    labels = LABELS.get(key)
    return labels[_LANG_INDEX[lang]] if labels else shown


def _id_line(label: str, value: str, sep: str) -> str:
    if "\n" in value:
        lines = "\n".join(line.strip() for line in value.splitlines() if line.strip())
        return f"{label}{sep}:\n{lines}\n"
    return f"{label}{sep}: {value}\n"


def _tidy(text: str) -> str:
    """Tidy the holes a dropped block leaves: spaces before punctuation, blank runs."""
    text = re.sub(r"[ \t]+([.,])", r"\1", text)
    text = "\n".join(line.rstrip() for line in text.splitlines())
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n") + "\n"
