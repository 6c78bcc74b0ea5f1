"""The shared command context (ennoshita.cli.common.with_context): the options every command repeats are
declared once, appear on every command that uses it, and are opened lazily."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from typer.testing import CliRunner

from ennoshita.cli.common import CommandContext, with_context
from ennoshita.errors import Invalid


def _app(**options: Any) -> tuple[typer.Typer, dict[str, Any]]:
    app = typer.Typer()
    seen: dict[str, Any] = {}

    @app.command()
    @with_context(**options)
    def hello(cx: CommandContext, name: Annotated[str, typer.Option("--name", help="A name.")] = "x",
              fail: Annotated[bool, typer.Option("--fail")] = False) -> None:
        """Say hello."""
        if fail:
            raise Invalid("ledger.error.date_format", field="--name", value=name)
        seen.update(url=cx.database_url, as_user=cx.as_user, name=name, opened="db" in vars(cx))

    return app, seen


def test_the_shared_options_follow_the_commands_own() -> None:
    app, seen = _app()
    result = CliRunner().invoke(app, ["--name", "y", "--database-url", "sqlite://", "--as", "a@example.jp"])
    assert result.exit_code == 0, result.output
    assert seen == {"url": "sqlite://", "as_user": "a@example.jp", "name": "y", "opened": False}
    result = CliRunner().invoke(app, ["--as-user", "b@example.jp"])
    assert seen["as_user"] == "b@example.jp" and seen["url"] is None
    help_text = CliRunner().invoke(app, ["--help"]).output
    assert help_text.index("--name") < help_text.index("--database-url") < help_text.index("--as-user")
    assert "Say hello." in help_text


def test_without_actor_there_is_no_as_option() -> None:
    app, _seen = _app(actor=False)
    help_text = CliRunner().invoke(app, ["--help"]).output
    assert "--database-url" in help_text and "--as-user" not in help_text


def test_domain_errors_exit_1_with_one_line() -> None:
    app, seen = _app()
    result = CliRunner().invoke(app, ["--fail", "--name", "bad"])
    assert result.exit_code == 1 and not seen
    assert "bad" in result.output and "Traceback" not in result.output
