"""A rule read aloud: "Allow public bodies to use my location data for …"."""

from __future__ import annotations

from holoptic.cli.text import N_, _, current_language
from holoptic.rules.model import Aggregation, ConsumerType, Effect, Rule
from holoptic.rules.taxonomy import Taxonomy

TYPES = {
    ConsumerType.PUBLIC_BODY: N_("public bodies"),
    ConsumerType.RESEARCH: N_("researchers"),
    ConsumerType.NON_PROFIT: N_("non-profits"),
    ConsumerType.COMMERCIAL: N_("companies"),
}
LEVELS = {
    Aggregation.RAW: N_("as raw data"),
    Aggregation.PSEUDONYMISED: N_("pseudonymised"),
    Aggregation.AGGREGATE: N_("as aggregates"),
    Aggregation.DIFFERENTIAL_PRIVACY: N_("as differentially-private statistics only"),
}


def sentence(rule: Rule, taxonomy: Taxonomy) -> str:
    lang = current_language()
    who = ", ".join(_(TYPES[t]) for t in sorted(rule.consumer_types)) or _("anyone")
    if rule.consumers:
        who = _("{who} and {count} named consumers").format(who=who, count=len(rule.consumers))
    what = ", ".join(taxonomy.label(c, lang) for c in sorted(rule.categories)) or _("any data")
    why = ", ".join(taxonomy.label(p, lang) for p in sorted(rule.purposes)) or _("any purpose")
    verb = _("Allow") if rule.effect is Effect.PERMIT else _("Forbid")
    text = _("{verb} {who} to use my {what} for {why}").format(
        verb=verb, who=who, what=what, why=why
    )
    if rule.effect is Effect.PERMIT:
        text += ", " + _(LEVELS[rule.aggregation])
        if rule.min_group_size:
            text += " " + _("of at least {count} people").format(count=rule.min_group_size)
    if rule.validity and rule.validity.end:
        text += ", " + _("until {date}").format(date=rule.validity.end.date().isoformat())
    return text + "."
