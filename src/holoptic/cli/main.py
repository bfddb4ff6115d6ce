"""The ``holoptic`` command: its command tree and console entry point.

Building the tree reads nothing: settings are read once per run, in the root callback,
and services are built only by the commands that need them.
"""

from __future__ import annotations

import typer

from holoptic.cli import (
    cashier,
    communities,
    consumers,
    currency,
    data,
    demo,
    keys,
    log,
    members,
    reveal,
    rules,
    use,
)
from holoptic.cli.context import CliState
from holoptic.cli.group import HolopticGroup
from holoptic.cli.imports import import_command
from holoptic.cli.init import init
from holoptic.cli.serve import serve
from holoptic.cli.text import use_language
from holoptic.settings import Settings

app = typer.Typer(
    cls=HolopticGroup,
    name="holoptic",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback()
def main(ctx: typer.Context) -> None:
    """Holoptic, a citizen data commons: your data, in your vault, under your rules.

    Settings come from the environment: HOLOPTIC_HOME (default ./var),
    HOLOPTIC_DATABASE_URL, HOLOPTIC_MASTER_KEY and HOLOPTIC_LANG (fr or en).
    """
    settings = Settings.from_env()
    use_language(settings.lang)
    current = CliState(settings)
    ctx.obj = current
    ctx.call_on_close(current.close)


app.command("init")(init)
app.command("import")(import_command)
app.add_typer(members.app, name="member")
app.add_typer(communities.app, name="community")
app.add_typer(data.app, name="data")
app.add_typer(keys.app, name="keys")
app.add_typer(demo.app, name="demo")
app.add_typer(reveal.app, name="reveal")
app.add_typer(log.app, name="log")
app.add_typer(consumers.app, name="consumer")
app.add_typer(rules.app, name="rules")
app.command("use")(use.use_command)
app.add_typer(use.grants, name="grants")
app.add_typer(use.lineage, name="lineage")
currency.app.command("buy")(cashier.buy_command)
currency.app.command("redeem")(cashier.redeem_command)
app.add_typer(currency.app, name="currency")
app.command("pay")(currency.pay_command)
app.command("exchange")(cashier.exchange_command)
app.add_typer(currency.ledger, name="ledger")
app.command("serve")(serve)


def run() -> None:
    """Console entry point (``holoptic = "holoptic.cli.main:run"``)."""
    app()


if __name__ == "__main__":
    run()
