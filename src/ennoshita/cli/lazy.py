"""Command groups imported only when used, so ``ennoshita --help`` and a single report do not import every
domain and the web stack (issue 13 item 3).

The table names each group, the modules whose ``register(app)`` define it, and its one-line help (shown by
``ennoshita --help`` without importing anything); tests/unit/core/test_cli_lazy.py checks it against the
modules. A domain module missing from the table still works: ``main`` registers it eagerly.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

import typer
from typer._click.exceptions import UsageError
from typer.core import TyperGroup

from ennoshita.cli import helptext

if TYPE_CHECKING:
    from typer import _click as click

# group name -> (modules that register it, help)
LAZY_GROUPS: dict[str, tuple[tuple[str, ...], str]] = {
    "journal": (("ennoshita.cli.ledger",), "Journal entries: import and export (弥生会計, CSV, hledger)."),
    "report": (("ennoshita.cli.ledger",), "Reports: trial-balance, pl, bs, gl, journal, monthly, tax."),
    "period": (("ennoshita.cli.ledger",), "月次締め: lock or unlock a month (YYYY-MM)."),
    "ledger": (("ennoshita.cli.ledger",), "Ledger maintenance: balance check, recurring entries, year-end close."),
    "sales": (("ennoshita.cli.sales.billing", "ennoshita.cli.sales.documents"),
              "Sales: partner import, billing runs, invoice PDFs, bank import, AR check."),
    "desk": (("ennoshita.cli.desk",), "依頼 (request desk): file, list, status, dashboard, mail."),
    "payments": (("ennoshita.cli.purchasing",), "支払: payment runs, the 全銀 file, paid."),
    "purchasing": (("ennoshita.cli.purchasing",), "購買: payables."),
    "approvals": (("ennoshita.cli.purchasing",), "稟議: my queue and decisions."),
    "company": (("ennoshita.cli.company",),
                "Company settings: name, カナ, 登録番号, address, fiscal year, tax, bank accounts."),
    "withholding": (("ennoshita.cli.withholding",), "源泉所得税: 納付 list, 納付, 支払調書."),
    "hr": (("ennoshita.cli.hr",), "人事: employees, attendance, 36協定 limits, paid leave."),
    "payroll": (("ennoshita.cli.payroll",), "給与 (payroll): withholding tax, social insurance, pay runs."),
    "assets": (("ennoshita.cli.assets",), "固定資産 (fixed assets): schedule, run, list."),
    "contracts": (("ennoshita.cli.contracts",), "契約 (contracts): stamp-duty, alerts, list."),
}


# (group, command) -> a module whose ``register(app)`` defines that group with that command alone, answered
# without the group's full module (a lean read path, e.g. the trial balance as JSON without the ORM); the
# command falls back to the full one for any case it does not answer itself.
FAST: dict[tuple[str, str], str] = {("report", "trial-balance"): "ennoshita.cli.lean"}


def lazy_modules() -> set[str]:
    return {m for modules, _help in LAZY_GROUPS.values() for m in modules}


@cache
def load(modules: tuple[str, ...]) -> dict[str, click.Command]:
    """Import the modules, let them register on a scratch app, and return its commands by name."""
    scratch = typer.Typer()
    for name in modules:
        importlib.import_module(name).register(scratch)
    group = typer.main.get_command(scratch)
    assert isinstance(group, TyperGroup)
    return dict(group.commands)


class _Stub(TyperGroup):
    """Stands for a group in the top-level help until the group is used."""

    context_class = helptext.HelpContext


def _language() -> str:
    from ennoshita.cli.common import cli_language

    return cli_language()


class LazyGroup(TyperGroup):
    """The root ``ennoshita`` group: lazily loaded groups, help in the user's language (:mod:`.helptext`) and
    click's usage errors in it too (:mod:`.usage`), which every subcommand's pass through here."""

    context_class = helptext.HelpContext

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True, windows_expand_args: bool = True,
             **extra: Any) -> Any:
        helptext.prepare(self)
        return super().main(args, prog_name, complete_var, standalone_mode, windows_expand_args, **extra)

    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None,
                     **extra: Any) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except UsageError as exc:
            from ennoshita.cli.usage import translate

            translate(exc, _language())
            raise

    def list_commands(self, ctx: click.Context) -> list[str]:
        names = super().list_commands(ctx)
        return [*names, *(n for n in LAZY_GROUPS if n not in names)]

    @property
    def stubs(self) -> dict[str, click.Command]:
        """A stub for each lazily loaded group (the help page translates them with the root's own commands)."""
        made: dict[str, click.Command] = self.__dict__.setdefault("_stubs", {})
        for name, (_modules, help_text) in LAZY_GROUPS.items():
            if name not in made:
                made[name] = _Stub(name=name, help=help_text)
        return made

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        found = super().get_command(ctx, cmd_name)
        if found is None and cmd_name in LAZY_GROUPS:
            return self.stubs[cmd_name]
        return found

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; what no command turned into a one-line error (a database that is not set up or is
        locked, a missing audit key, a failure nothing foresaw) is printed as one line and exits 1, never as a
        traceback (``ENNOSHITA_DEBUG=1`` shows the traceback instead). A prompt left by Ctrl-C or the end of input
        (click's Abort, which click would print as an English "Aborted!") is one line in the user's language and
        exit 1; Ctrl-C while a command works is the same line and exit 130, as a shell expects."""
        from ennoshita.cli.common import aborted

        try:
            return super().invoke(ctx)
        except (typer.Abort, EOFError):
            aborted(1)
        except KeyboardInterrupt:
            aborted(130)
        except Exception as exc:  # noqa: BLE001 - the CLI's last resort, see common.last_resort
            from typer import _click as click_errors

            if isinstance(exc, click_errors.ClickException):
                from ennoshita.cli.usage import translate

                translate(exc, _language())
                raise
            if isinstance(exc, typer.Exit) or os.environ.get("ENNOSHITA_DEBUG"):
                raise
            from ennoshita.cli.common import fail, last_resort

            fail(last_resort(exc))

    def resolve_command(self, ctx: click.Context, args: list[str]) -> tuple[Any, Any, list[str]]:
        name, cmd, rest = super().resolve_command(ctx, args)
        if isinstance(cmd, _Stub) and name is not None:
            fast = FAST.get((name, rest[0])) if rest else None
            if fast is not None:
                cmd = load((fast,))[name]
                helptext.prepare(cmd)
                return name, cmd, rest
            cmd = load(LAZY_GROUPS[name][0])[name]
            helptext.prepare(cmd)
            self.commands[name] = cmd
        return name, cmd, rest
