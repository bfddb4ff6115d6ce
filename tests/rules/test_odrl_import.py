"""ODRL import: the JSON-LD shapes policies come in, and every way a policy is refused."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from holoptic.errors import InvalidInput
from holoptic.rules.errors import (
    InvalidOdrl,
    InvalidValue,
    UnknownTerm,
    UnsupportedAction,
    UnsupportedPolicyType,
    UnsupportedProperty,
)
from holoptic.rules.model import (
    DPV,
    PD,
    Aggregation,
    ConsumerType,
    Duty,
    DutyAction,
    Effect,
    Period,
    Rule,
)
from holoptic.rules.odrl import rules_from_odrl
from holoptic.rules.taxonomy import builtin_taxonomy

ODRL = "http://www.w3.org/ns/odrl/2/"
CONTEXT: list[Any] = [
    "http://www.w3.org/ns/odrl.jsonld",
    {"dpv": DPV, "pd": PD, "hol": "https://holoptic.org/ns#"},
]


def new_ids() -> Callable[[], str]:
    counter = itertools.count(1)
    return lambda: f"new-{next(counter)}"


def load(document: object) -> list[Rule]:
    return rules_from_odrl(document, "m1", builtin_taxonomy(), new_ids())


def policy(*rules: dict[str, Any], kind: str = "permission", **extra: Any) -> dict[str, Any]:
    return {"@context": CONTEXT, "@type": "Set", "uid": "urn:p", kind: list(rules), **extra}


def permission(*constraints: dict[str, Any], **extra: Any) -> dict[str, Any]:
    found: dict[str, Any] = {"target": "pd:Location", "action": "use", **extra}
    if constraints:
        found["constraint"] = list(constraints)
    return found


def constraint(left: str, operator: str, right: Any) -> dict[str, Any]:
    return {"leftOperand": left, "operator": operator, "rightOperand": right}


def refused(document: object) -> tuple[type[Exception], list[tuple[str, str]]]:
    with pytest.raises(InvalidOdrl) as caught:
        load(document)
    assert isinstance(caught.value, InvalidInput)
    assert caught.value.status == 422
    problems = caught.value.details["problems"]
    assert isinstance(problems, list)
    return type(caught.value), [(p["code"], p["pointer"]) for p in problems]


# --- what is accepted ---------------------------------------------------------------


def test_a_compact_policy_with_the_odrl_context() -> None:
    purposes = [{"@id": "dpv:PublicBenefit"}, "dpv:AcademicResearch"]
    rules = load(policy(permission(constraint("purpose", "isAnyOf", purposes))))
    assert rules == [
        Rule(
            "new-1",
            "m1",
            Effect.PERMIT,
            categories=frozenset({PD + "Location"}),
            purposes=frozenset({DPV + "PublicBenefit", DPV + "AcademicResearch"}),
        )
    ]


def test_prefixed_keys_under_an_inline_context() -> None:
    document = {
        "@context": {"odrl": ODRL, "pd": PD, "dpv": DPV},
        "@type": "odrl:Offer",
        "odrl:prohibition": {
            "odrl:target": {"@id": "pd:BrowserHistory"},
            "odrl:action": {"@id": "odrl:use"},
            "odrl:constraint": {
                "odrl:leftOperand": {"@id": "odrl:purpose"},
                "odrl:operator": {"@id": "odrl:eq"},
                "odrl:rightOperand": {"@id": "dpv:Marketing"},
            },
        },
    }
    [rule] = load(document)
    assert rule.effect is Effect.PROHIBIT
    assert rule.categories == {PD + "BrowserHistory"}
    assert rule.purposes == {DPV + "Marketing"}


def test_an_expanded_flattened_graph_with_references() -> None:
    """What rdflib writes: full IRIs, lists of values, nodes referring to each other."""
    document = [
        {"@id": "urn:c1", ODRL + "leftOperand": [{"@id": ODRL + "dateTime"}],
         ODRL + "operator": [{"@id": ODRL + "gt"}],
         ODRL + "rightOperand": [{"@value": "2024-01-01T00:00:00Z", "@type": "http://www.w3.org/2001/XMLSchema#dateTime"}]},
        {"@id": "urn:policy", "@type": [ODRL + "Policy"], ODRL + "permission": [{"@id": "_:r"}]},
        {"@id": "_:r", "@type": [ODRL + "Permission"], ODRL + "target": [{"@id": PD + "Weight"}],
         ODRL + "action": [{"@id": ODRL + "use"}], ODRL + "constraint": [{"@id": "urn:c1"}],
         "http://purl.org/dc/terms/description": [{"@value": "ignored"}]},
    ]  # fmt: skip
    [rule] = load(document)
    assert rule.categories == {PD + "Weight"}
    assert rule.validity == Period(datetime(2024, 1, 1, 0, 0, 0, 1, tzinfo=UTC), None)


def test_a_graph_object_with_string_references() -> None:
    document = {
        "@context": CONTEXT,
        "@graph": [
            {"uid": "urn:x:p", "type": "Set", "permission": "urn:x:r"},
            {"uid": "urn:x:r", "target": "pd:Weight", "action": "use"},
        ],
    }
    assert [rule.categories for rule in load(document)] == [{PD + "Weight"}]


def test_logical_and_over_time_bounds_and_dates() -> None:
    both = {
        "and": {
            "@list": [
                constraint("dateTime", "gteq", {"@value": "2024-01-01", "@type": "xsd:date"}),
                constraint("dateTime", "lteq", "2024-12-31"),
            ]
        }
    }
    data = [constraint("hol:dataPeriod", "gteq", "2023-06-01T10:00:00+02:00")]
    [rule] = load(policy(permission(both, *data)))
    assert rule.validity == Period(
        datetime(2024, 1, 1, tzinfo=UTC), datetime(2025, 1, 1, tzinfo=UTC)
    )
    assert rule.data_period == Period(datetime(2023, 6, 1, 8, tzinfo=UTC), None)


def test_holoptic_extensions_and_parties() -> None:
    rules = load(
        policy(
            permission(
                constraint("hol:aggregation", "gteq", {"@id": "hol:aggregate"}),
                constraint("hol:minGroupSize", "gteq", {"@value": "25", "@type": "xsd:integer"}),
                constraint(
                    "recipient", "isAnyOf", ["urn:holoptic:consumer:city", {"@id": "hol:Research"}]
                ),
                constraint(
                    "spatial", "isAnyOf", ["FR", {"@id": "https://sws.geonames.org/3017382/"}]
                ),
            )
        )
    )
    [rule] = rules
    assert rule.aggregation is Aggregation.AGGREGATE
    assert rule.min_group_size == 25
    assert rule.consumers == {"city"}
    assert rule.consumer_types == {ConsumerType.RESEARCH}
    assert rule.spatial == {"FR", "https://sws.geonames.org/3017382/"}


def test_roots_mean_any_and_policy_level_properties_are_inherited() -> None:
    document = policy(
        {"constraint": [constraint("purpose", "eq", "dpv:Purpose")]},
        {"target": ["pd:Weight", "pd:Location"], "uid": "urn:holoptic:rule:kept"},
        target="dpv:PersonalData",
        action="use",
        assignee="urn:holoptic:consumer:lab",
    )
    first, second = load(document)
    assert (first.id, first.categories, first.purposes) == ("new-1", frozenset(), frozenset())
    assert second.id == "kept"
    assert second.categories == {PD + "Weight", PD + "Location"}
    assert first.consumers == second.consumers == {"lab"}


def test_duties_in_both_odrl_spellings() -> None:
    pay = {
        "leftOperand": "payAmount",
        "operator": "eq",
        "rightOperand": {"@value": "2.5", "@type": "xsd:decimal"},
    }
    duties = [
        {
            "action": [
                {"rdf:value": {"@id": "odrl:compensate"}, "refinement": [{**pay, "unit": "EUR"}]}
            ]
        },
        {
            "action": "compensate",
            "refinement": {**pay, "unit": {"@id": "http://dbpedia.org/resource/Euro"}},
        },
        {"action": "compensate"},
        {"action": "inform"},
    ]
    [rule] = load(policy(permission(duty=duties)))
    assert rule.duties == (
        Duty(DutyAction.REWARD, 250, "EUR"),
        Duty(DutyAction.REWARD, 250, "http://dbpedia.org/resource/Euro"),
        Duty(DutyAction.REWARD),
        Duty(DutyAction.NOTICE),
    )


def test_a_nested_context_and_conflict_prohibit() -> None:
    nested = {"@context": {"geo": "https://sws.geonames.org/"}, **permission()}
    nested["constraint"] = [constraint("spatial", "eq", {"@id": "geo:3017382/"})]
    [rule] = load(policy(nested, conflict="prohibit"))
    assert rule.spatial == {"https://sws.geonames.org/3017382/"}


# --- what is refused ----------------------------------------------------------------


def test_an_action_other_than_use() -> None:
    kind, problems = refused(policy(permission(action="read")))
    assert kind is UnsupportedAction
    assert problems == [("rules.unsupported_action", "/permission/0/action")]


def test_an_unknown_purpose_and_a_category_given_as_purpose() -> None:
    unknown = constraint("purpose", "isAnyOf", ["dpv:NotAPurpose", "pd:Location"])
    kind, problems = refused(policy(permission(unknown)))
    assert kind is UnknownTerm
    assert problems == [
        ("rules.unknown_term", "/permission/0/constraint/0/rightOperand/0"),
        ("rules.unknown_term", "/permission/0/constraint/0/rightOperand/1"),
    ]


@pytest.mark.parametrize(
    ("target", "code"),
    [
        ("pd:NoSuchThing", "rules.unknown_term"),
        ("dpv:Marketing", "rules.unknown_term"),
        ("ex:thing", "rules.unknown_term"),
        ({"@type": "AssetCollection", "source": "urn:x"}, "rules.unsupported_constraint"),
    ],
)
def test_targets_that_are_not_personal_data_categories(target: object, code: str) -> None:
    _, problems = refused(policy(permission(target=target)))
    assert problems == [(code, "/permission/0/target")]


@pytest.mark.parametrize(
    "document",
    ["a string", 42, [1, 2], {"@context": CONTEXT}, {"@context": CONTEXT, "permission": []}],
)
def test_documents_that_are_not_policies(document: object) -> None:
    kind, problems = refused(document)
    assert kind is InvalidOdrl
    assert problems


def test_malformed_structure_is_located() -> None:
    document = policy("oops", {}, permission(constraint=[42, {"leftOperand": "purpose"}]))
    kind, problems = refused(document)
    assert kind is InvalidOdrl
    assert problems == [
        ("rules.invalid_odrl", "/permission/0"),
        ("rules.invalid_odrl", "/permission/1"),  # no target
        ("rules.invalid_odrl", "/permission/1"),  # no action
        ("rules.invalid_odrl", "/permission/2/constraint/0"),
        ("rules.invalid_odrl", "/permission/2/constraint/1"),  # no operator
    ]


def test_an_agreement_with_an_assignee() -> None:
    document = policy(permission(assignee="urn:holoptic:consumer:lab"), assigner="urn:x:m")
    document["@type"] = "Agreement"
    kind, problems = refused(document)
    assert kind is UnsupportedPolicyType
    assert problems == [("rules.unsupported_policy_type", "/@type")]


@pytest.mark.parametrize(
    ("bad", "code"),
    [
        (constraint("purpose", "neq", "dpv:Marketing"), "rules.unsupported_operator"),
        (constraint("dateTime", "eq", "2024-01-01T00:00:00Z"), "rules.unsupported_operator"),
        (constraint("hol:aggregation", "eq", "hol:aggregate"), "rules.unsupported_operator"),
        (constraint("count", "lteq", 10), "rules.unsupported_constraint"),
        (
            {"or": [constraint("spatial", "eq", "FR"), constraint("spatial", "eq", "BE")]},
            "rules.unsupported_constraint",
        ),
        (constraint("recipient", "eq", "http://example.org/alice"), "rules.unknown_term"),
        (constraint("hol:aggregation", "gteq", "hol:medium"), "rules.unknown_term"),
        (constraint("dateTime", "lt", "next tuesday"), "rules.invalid_value"),
        (constraint("hol:minGroupSize", "gteq", "many"), "rules.invalid_value"),
        (constraint("purpose", "eq", ["dpv:Marketing", "dpv:Advertising"]), "rules.invalid_odrl"),
        ({**constraint("dateTime", "lt", "2025-01-01"), "unit": "s"}, "rules.unsupported_property"),
    ],
)
def test_constraints_holoptic_cannot_hold(bad: dict[str, Any], code: str) -> None:
    _, problems = refused(policy(permission(bad)))
    assert [c for c, _ in problems] == [code]
    assert problems[0][1].startswith("/permission/0/constraint/0")


def test_conditions_that_cannot_be_combined() -> None:
    twice = [
        constraint("purpose", "eq", "dpv:Marketing"),
        constraint("purpose", "eq", "dpv:Advertising"),
    ]
    empty = [
        constraint("dateTime", "gteq", "2025-01-01"),
        constraint("dateTime", "lt", "2024-01-01"),
    ]
    parties = permission(
        constraint("recipient", "eq", "hol:Research"), assignee="urn:holoptic:consumer:x"
    )
    _, problems = refused(policy(permission(*twice), permission(*empty), parties))
    assert problems == [
        ("rules.unsupported_constraint", "/permission/0/constraint/1"),
        ("rules.invalid_value", "/permission/1/constraint/1/rightOperand"),
        ("rules.unsupported_constraint", "/permission/2/constraint/0"),
    ]


@pytest.mark.parametrize(
    ("amount", "code"),
    [
        ("1.234", "rules.invalid_value"),
        ("-5", "rules.invalid_value"),
        ("lots", "rules.invalid_value"),
    ],
)
def test_amounts_in_cents(amount: str, code: str) -> None:
    pay = {"leftOperand": "payAmount", "operator": "eq", "rightOperand": amount, "unit": "EUR"}
    duty = {"action": "compensate", "refinement": [pay]}
    _, problems = refused(policy(permission(duty=[duty])))
    assert problems == [(code, "/permission/0/duty/0/refinement/0/rightOperand")]


def test_duties_holoptic_does_not_know() -> None:
    prohibited = {**permission(), "duty": [{"action": "inform"}]}
    document = policy(permission(duty=[{"action": "delete"}]))
    document["prohibition"] = [prohibited]
    kind, problems = refused(document)
    assert kind is InvalidOdrl
    assert problems == [
        ("rules.unsupported_action", "/permission/0/duty/0/action"),
        ("rules.unsupported_property", "/prohibition/0/duty/0"),
    ]


def test_policy_properties_that_would_change_the_meaning() -> None:
    document = policy(permission(), obligation=[permission()], conflict="perm", inheritFrom="urn:x")
    kind, problems = refused(document)
    assert kind is UnsupportedProperty
    assert sorted(pointer for _, pointer in problems) == [
        "/conflict",
        "/inheritFrom",
        "/obligation/0",
    ]


def test_a_policy_without_context_is_refused_with_its_other_problems() -> None:
    no_context = {"@type": "Set", "permission": [{"target": "pd:Location", "action": "use"}]}
    with pytest.raises(InvalidOdrl) as caught:
        load(no_context)
    first, second = caught.value.details["problems"]
    assert (first["code"], first["pointer"]) == ("rules.invalid_odrl", "/")
    assert "http://www.w3.org/ns/odrl.jsonld" in first["message"]
    assert second["pointer"] == "/permission/0/target"
    assert "the prefix pd: is not defined" in second["message"]


def test_remote_contexts_are_not_fetched() -> None:
    remote = {**policy(permission()), "@context": [*CONTEXT, "https://example.org/ctx.jsonld"]}
    assert refused(remote)[1] == [("rules.invalid_odrl", "/@context/2")]


def test_keys_no_context_defines() -> None:
    document = {
        "@context": {"odrl": ODRL, "pd": PD},
        "@type": "odrl:Set",
        "odrl:permission": [
            {"odrl:target": {"@id": "pd:Location"}, "odrl:action": {"@id": "odrl:use"}, "colour": 1}
        ],
    }
    kind, problems = refused(document)
    assert kind is UnknownTerm
    assert problems == [("rules.unknown_term", "/odrl:permission/0/colour")]
    rule = document["odrl:permission"][0]
    rule.pop("colour")
    rule["odrl:action"] = "use"  # a bare ODRL word, but no ODRL context
    with pytest.raises(UnknownTerm) as caught:
        load(document)
    [problem] = caught.value.details["problems"]
    assert problem["pointer"] == "/odrl:permission/0/odrl:action"
    assert problem["message"].startswith("'use' is not defined by the @context")


def test_unknown_odrl_words_are_refused_not_dropped() -> None:
    kind, problems = refused(policy(permission(output="pd:Location")))
    assert kind is UnsupportedProperty
    assert problems == [("rules.unsupported_property", "/permission/0/output")]


def test_every_problem_is_reported_at_once() -> None:
    document = policy(
        permission(constraint("purpose", "eq", "dpv:Nope"), action="write"),
        permission(target="pd:Nope"),
        {**permission(), "uid": "urn:holoptic:rule:same"},
        {**permission(), "uid": "urn:holoptic:rule:same"},
    )
    with pytest.raises(InvalidOdrl) as caught:
        load(document)
    error = caught.value
    assert type(error) is InvalidOdrl
    assert error.message.startswith("4 problems in the ODRL policy; first: the action odrl:write")
    assert [(p["code"], p["pointer"]) for p in error.details["problems"]] == [
        ("rules.unsupported_action", "/permission/0/action"),
        ("rules.unknown_term", "/permission/0/constraint/0/rightOperand"),
        ("rules.unknown_term", "/permission/1/target"),
        ("rules.invalid_odrl", "/permission/3"),
    ]


def test_a_refused_import_spends_no_ids() -> None:
    calls: list[int] = []

    def counting() -> str:
        calls.append(1)
        return "x"

    with pytest.raises(InvalidValue):
        rules_from_odrl(
            policy(permission(constraint("dateTime", "lt", "never"))),
            "m1",
            builtin_taxonomy(),
            counting,
        )
    assert calls == []
