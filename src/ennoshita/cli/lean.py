"""Commands answered without the ORM, for speed from a shell (issue 13 item 3).

``ennoshita report trial-balance --format json --database-url ...`` is the one a script runs most: the lazy
loader (:data:`ennoshita.cli.lazy.FAST`) resolves it here instead of importing the ledger's CLI, SQLAlchemy and
the domains. The command has the same options and help as :func:`ennoshita.cli.ledger.report_trial_balance`;
when it is asked for anything but the plain case (a format other than json, ``--as-user``, no database URL, a
database it cannot read as it expects, a date that is not ISO) it hands the arguments to that command, so every
message and check stays the ordinary one.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Annotated

import typer

from ennoshita.cli.common import AsUser, DatabaseUrl, cli_language

report_app = typer.Typer(help="Reports: trial-balance, pl, bs, gl, journal, monthly, tax.", no_args_is_help=True)

Fmt = Annotated[str, typer.Option("--format", help="table, csv, json, xlsx or pdf.")]
Out = Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file instead of standard output.")]


def _lean_json(date_from: str, date_to: str, database_url: str) -> bytes | None:
    from ennoshita.ledger import lean_report

    try:
        d1, d2 = dt.date.fromisoformat(date_from), dt.date.fromisoformat(date_to)
    except ValueError:
        return None
    try:
        opened = lean_report.connect(database_url)
    except Exception:  # noqa: BLE001 - the ordinary path reports a connection problem in the user's language
        return None
    if opened is None:
        return None
    fetch, close = opened
    try:
        start = lean_report.start_month(fetch)
        if start is None:
            return None
        rows = lean_report.trial_balance(fetch, d1, d2, start, cli_language())
    except Exception:  # noqa: BLE001 - a schema or value it does not expect: the ordinary path explains
        return None
    finally:
        close()
    import json

    return json.dumps([{"account_code": r.account_code, "account_name": r.account_name, "opening": r.opening,
                        "debit": r.debit, "credit": r.credit, "closing": r.closing} for r in rows],
                      ensure_ascii=False, indent=1).encode()


@report_app.command("trial-balance")
def report_trial_balance(
    date_from: Annotated[str, typer.Option("--from", help="First date (YYYY-MM-DD).")],
    date_to: Annotated[str, typer.Option("--to", help="Last date (YYYY-MM-DD).")],
    fmt: Fmt = "table",
    output: Out = None,
    database_url: DatabaseUrl = None,
    as_user: AsUser = None,
) -> None:
    """残高試算表 for any date range. JSON: account_code, account_name, opening, debit, credit, closing
    (closing signed debit-positive)."""
    content = (_lean_json(date_from, date_to, database_url)
               if fmt == "json" and as_user is None and database_url else None)
    if content is None:
        from ennoshita.cli import ledger

        ledger.report_trial_balance(date_from, date_to, fmt, output, database_url=database_url, as_user=as_user)
        return
    if output is not None:
        output.write_bytes(content)
    else:
        sys.stdout.buffer.write(content + b"\n")


def register(app: typer.Typer) -> None:
    app.add_typer(report_app, name="report")
