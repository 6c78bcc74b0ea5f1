"""What every CLI command shares: --database-url, --as-user, and one-line errors in the user's language."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from ennoshita.actor import Actor
    from ennoshita.db import Database
    from ennoshita.errors import DomainError

LANGUAGES = ("ja", "en")  # as ennoshita.i18n.LANGUAGES, without importing the catalogs


@cache
def _consoles() -> tuple[Console, Console]:
    from rich.console import Console

    return Console(), Console(stderr=True)


def __getattr__(name: str) -> Any:
    """``console`` and ``err_console`` are made on first use (importing rich costs start-up time)."""
    if name == "console":
        return _consoles()[0]
    if name == "err_console":
        return _consoles()[1]
    raise AttributeError(name)

DatabaseUrl = Annotated[
    str | None,
    typer.Option("--database-url", envvar="ENNOSHITA_DATABASE_URL",
                 help="SQLAlchemy URL, e.g. sqlite:///var/ennoshita.db or "
                      "postgresql+psycopg://postgres@127.0.0.1:5432/ennoshita"),
]
AsUser = Annotated[
    str | None,
    typer.Option("--as-user", envvar="ENNOSHITA_AS_USER",
                 help="Act as this user (e-mail); their roles are checked. Default: the local administrator."),
]


def cli_language() -> str:
    lang = os.environ.get("ENNOSHITA_LANG") or os.environ.get("LANG", "ja")[:2]
    return lang if lang in LANGUAGES else "ja"


def open_db(url: str | None, every_domain: bool = True) -> Database:
    """The database; with ``every_domain`` (the default) every domain's tables and event subscriptions are
    imported first, as any write needs. A read-only report of one domain passes False to start faster."""
    if every_domain:
        import ennoshita.models  # noqa: F401
    from ennoshita.db import Database

    if url:
        return Database(url)
    from ennoshita.settings import get_settings

    return Database(get_settings().database_url)


def resolve_actor(db: Database, as_user: str | None) -> Actor:
    from ennoshita.actor import Actor

    if not as_user:
        return Actor.system("cli")
    from ennoshita.identity import services as identity

    return identity.actor_by_email(db.uow(), as_user, "cli")


def fail(exc: DomainError) -> None:
    """Print one line per problem and exit 1."""
    from ennoshita.i18n import Translator

    err_console = _consoles()[1]
    t = Translator(cli_language())
    if exc.problems:
        for p in exc.problems:
            where = f"{p.field}: " if p.field else ""
            if p.line is not None:
                where = t("error.line_prefix", line=p.line) + where
            err_console.print(f"{t('cli.error')}: {where}{t(p.key, **p.params)}", highlight=False)
    else:
        err_console.print(f"{t('cli.error')}: {t(exc.key, **exc.params)}", highlight=False)
    raise typer.Exit(1)


@contextmanager
def domain_errors() -> Iterator[None]:
    from ennoshita.errors import DomainError

    try:
        yield
    except DomainError as exc:
        fail(exc)


def run(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    with domain_errors():
        return fn(*args, **kwargs)


def say(table: dict[str, dict[str, str]], key: str, **params: Any) -> str:
    """A CLI line from a module's ``{language: {key: text}}`` table, in the CLI's language (Japanese first)."""
    return table.get(cli_language(), table["ja"])[key].format(**params)


def parse_date(text: str, field: str) -> dt.date:
    """An ISO date from the command line, or :class:`Invalid` naming the option."""
    from ennoshita.errors import Invalid

    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise Invalid("ledger.error.date_format", field=field, value=text) from None
