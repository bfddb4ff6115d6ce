"""``holoptic rules``: a member's usage rules, in and out as ODRL 2.2 JSON-LD."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from holoptic.cli.context import state
from holoptic.cli.output import JsonFlag, emit_json, line
from holoptic.cli.text import _, ngettext
from holoptic.errors import InvalidInput
from holoptic.rules.codec import rule_document

app = typer.Typer(help="A member's usage rules (ODRL 2.2 in and out).", no_args_is_help=True)

MemberOption = Annotated[str, typer.Option("--member", help="The member id.")]


@app.command("import")
def import_rules(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(metavar="FILE", help="An ODRL Set or Offer (JSON-LD).")],
    member: MemberOption,
    replace: Annotated[
        bool, typer.Option("--replace", help="Retire the member's other rules.")
    ] = False,
    json_output: JsonFlag = False,
) -> None:
    """Add the rules of an ODRL policy to a member's rules (all or nothing)."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InvalidInput(
            _("cannot read {path} as JSON: {error}").format(path=path, error=error)
        ) from None
    rules = state(ctx).services().rules.import_odrl(member, document, replace)
    if json_output:
        emit_json({"rules": [rule_document(rule) for rule in rules]})
        return
    count = len(rules)
    line(ngettext("Imported {count} rule.", "Imported {count} rules.", count).format(count=count))


@app.command("export")
def export_rules(
    ctx: typer.Context,
    member: MemberOption,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file, not stdout.")
    ] = None,
) -> None:
    """Write a member's rules in force as one ODRL 2.2 Set (JSON-LD)."""
    document = state(ctx).services().rules.export_odrl(member)
    text = json.dumps(document, ensure_ascii=False, indent=2)
    if output is None:
        typer.echo(text)
    else:
        output.write_text(text + "\n", encoding="utf-8")


@app.command("list")
def list_rules(ctx: typer.Context, member: MemberOption, json_output: JsonFlag = False) -> None:
    """List a member's rules in force."""
    services = state(ctx).services()
    rules = services.rules.rules(member)
    if json_output:
        emit_json({"rules": [rule_document(rule) for rule in rules]})
        return
    from holoptic.cli.sentences import sentence

    for rule in rules:
        line(f"{rule.id}  {sentence(rule, services.taxonomy)}")


@app.command("retire")
def retire(
    ctx: typer.Context,
    rule_id: Annotated[str, typer.Argument(metavar="RULE", help="The rule id.")],
    member: MemberOption,
) -> None:
    """Retire a rule: it no longer decides anything (uses it decided keep citing it)."""
    state(ctx).services().rules.retire(member, rule_id)
    line(_("Retired rule {id}.").format(id=rule_id))
