"""What every CLI command shares: --database-url, --as-user (--as), and one-line errors in the user's language.

A command takes them through :func:`with_context`: it declares ``cx: CommandContext`` as its first parameter
instead of the two options, and gets the database (opened on first use) and the acting user (resolved on first
use), with every :class:`DomainError` printed as one line per problem and exit 1::

    @partner_app.command("add")
    @with_context
    def partner_add(cx: CommandContext, code: CodeOpt) -> None:
        partners.create_partner(cx.uow(), cx.actor, ...)
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache, cached_property
from typing import (
    TYPE_CHECKING,
    Annotated,
    Any,
    Concatenate,
    NoReturn,
    ParamSpec,
    TypeVar,
    get_type_hints,
    overload,
)

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from ennoshita.actor import Actor
    from ennoshita.db import Database, UnitOfWork
    from ennoshita.errors import DomainError

LANGUAGES = ("ja", "en")  # as ennoshita.i18n.LANGUAGES, without importing the catalogs


# Output that goes to a file or a pipe (not a terminal) is as wide as its content: a table cut to 80 columns there
# ended amounts with "…" (¥144,… for ¥144,272), losing the figures a redirected report was run for.
UNBOUNDED_WIDTH = 4096


@cache
def _consoles() -> tuple[Console, Console]:
    from rich.console import Console

    # soft_wrap: a sentence is one line, never cut at 80 columns (a URL or an e-mail split in two cannot be
    # copied); tables fit the terminal, and are as wide as their content when not on one
    out, err = Console(soft_wrap=True), Console(stderr=True, soft_wrap=True)
    if not out.is_terminal and not os.environ.get("COLUMNS"):
        out = Console(soft_wrap=True, width=UNBOUNDED_WIDTH)
    return out, err


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
    typer.Option("--as-user", "--as", envvar="ENNOSHITA_AS_USER",
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


# a service's field named by another option on the command line (init's --company is the company's name)
FIELD_OPTIONS = {"name": ("company",), "name_kana": ("kana",), "admin_display_name": ("admin_name",),
                 "admin_password": ("password_stdin",), "password": ("password_stdin",), "roles": ("role",),
                 "display_name": ("name",), "file": ("path",)}


def field_label(field: str | None) -> str:
    """How an error names its field to a CLI user: the command's option (``--registration-number``) or argument
    as its usage line names it (``FILE``), never the service's identifier (``registration_number``,
    ``admin_password``, ``file``); a field nothing on the command line stands for is named as given (a column of
    an imported CSV file, a key of a JSON input)."""
    if not field:
        return ""
    from ennoshita.i18n import field_name

    if named := field_name(cli_language(), field):  # an imported file's column, as its format names it
        return named
    from typer._click.globals import get_current_context  # typer carries its own click

    ctx = get_current_context(silent=True)
    params = list(ctx.command.params) if ctx else []
    options = {p.name: p.opts for p in params if p.param_type_name == "option"}
    arguments = {p.name: p.metavar or (p.name or "").upper() for p in params if p.param_type_name == "argument"}
    for name in (field, *FIELD_OPTIONS.get(field, ())):
        if options.get(name):
            return max(options[name], key=len)
        if arguments.get(name):
            return arguments[name]
    return field


# the fields of a problem of an imported file's line that name nothing more than the line itself
LINE_ONLY_FIELDS = frozenset({"row", "file", "header"})


def fail(exc: DomainError) -> None:
    """Print one line per problem and exit 1."""
    from ennoshita.i18n import Translator

    err_console = _consoles()[1]
    t = Translator(cli_language())
    if exc.problems:
        for p in exc.problems:
            # a line of an imported file says where: "the row" or "the file" adds only an identifier
            field = None if p.line is not None and p.field in LINE_ONLY_FIELDS else p.field
            where = f"{label}: " if (label := field_label(field)) else ""
            if p.line is not None:
                where = t("error.line_prefix", line=p.line) + where
            err_console.print(f"{t('cli.error')}: {where}{t(p.key, **p.params)}", highlight=False, soft_wrap=True)
    else:
        err_console.print(f"{t('cli.error')}: {t(exc.key, **exc.params)}", highlight=False, soft_wrap=True)
    raise typer.Exit(1)


def aborted(code: int) -> NoReturn:
    """A prompt left by Ctrl-C or the end of input (or Ctrl-C while working): one line in the user's language on
    stderr, then exit ``code`` (click would print its English "Aborted!")."""
    from ennoshita.i18n import Translator

    _consoles()[1].print(Translator(cli_language())("cli.aborted"), highlight=False, markup=False)
    raise typer.Exit(code)


def last_resort(exc: Exception) -> DomainError:
    """The one-line error for an exception no command turned into a :class:`DomainError` (see
    ``cli.lazy.LazyGroup.invoke``): what the user can do about it, never a traceback."""
    from sqlalchemy.exc import DataError, IntegrityError, OperationalError, ProgrammingError

    from ennoshita.audit.keys import AuditKeyMissing
    from ennoshita.errors import Invalid

    if isinstance(exc, AuditKeyMissing):
        return Invalid("cli.error_audit_key", path=str(exc.path))
    from ennoshita.audit.services import ChainNotKeyed

    if isinstance(exc, ChainNotKeyed):
        return Invalid("cli.error_chain_not_keyed")
    detail = (str(getattr(exc, "orig", None) or exc).strip().splitlines() or [""])[0][:200]
    if isinstance(exc, OperationalError | ProgrammingError):
        if "no such table" in detail or ("relation" in detail and "does not exist" in detail):
            return Invalid("cli.error_not_set_up", detail=detail)
        return Invalid("cli.error_database", detail=detail)
    if isinstance(exc, IntegrityError | DataError | OverflowError | UnicodeDecodeError):
        from ennoshita.security import bounds  # the web's and the API's last resort says the same

        return bounds.last_resort(exc)
    if isinstance(exc, OSError):
        return Invalid("cli.error_os", detail=f"{exc.strerror or exc}{f': {exc.filename}' if exc.filename else ''}")
    return Invalid("cli.error_unexpected", kind=type(exc).__name__, detail=detail)


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


def label(prefix: str, code: str | None) -> str:
    """A stored code (a status, a kind) as the screens name it: the catalog's ``prefix + code`` in the CLI's
    language (``label("sales_ui.quote.", "sent")`` → 送付済); the code itself only when the catalog has no name."""
    if not code:
        return ""
    from ennoshita.i18n import gettext

    key = prefix + code
    text = gettext(cli_language(), key)
    return code if text == key else text


def text(key: str, **params: Any) -> str:
    """A catalog message in the CLI's language (a table's column, a screen's word)."""
    from ennoshita.i18n import gettext

    return gettext(cli_language(), key, **params)


def say(group: str, key: str, **params: Any) -> str:
    """A CLI line of a module's group of messages (``_TEXT = "cli.payroll.run"``: keys ``cli.payroll.run.*`` in
    ``i18n/{ja,en}/cli.po``), in the CLI's language (Japanese first)."""
    return text(f"{group}.{key}", **params)


def parse_date(text: str, field: str) -> dt.date:
    """An ISO date from the command line, or :class:`Invalid` naming the option."""
    from ennoshita.errors import Invalid

    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise Invalid("ledger.error.date_format", field=field, value=text) from None


class CommandContext:
    """The options every command shares, as one object: the database named by --database-url (or the settings),
    opened on first use, and the user named by --as-user / --as (or the local administrator), resolved on
    first use, so a command that fails on its own arguments touches neither."""

    def __init__(self, database_url: str | None, as_user: str | None, every_domain: bool = True) -> None:
        self.database_url = database_url
        self.as_user = as_user
        self.every_domain = every_domain

    @cached_property
    def db(self) -> Database:
        return open_db(self.database_url, self.every_domain)

    @cached_property
    def actor(self) -> Actor:
        return resolve_actor(self.db, self.as_user)

    def uow(self) -> UnitOfWork:
        return self.db.uow()


P = ParamSpec("P")
R = TypeVar("R")


@overload
def with_context(fn: Callable[Concatenate[CommandContext, P], R], /) -> Callable[..., R]: ...


@overload
def with_context(*, every_domain: bool = True, actor: bool = True
                 ) -> Callable[[Callable[Concatenate[CommandContext, P], R]], Callable[..., R]]: ...


def with_context(fn: Callable[..., Any] | None = None, /, *, every_domain: bool = True,
                 actor: bool = True) -> Any:
    """Give a command the shared options: its first parameter (a :class:`CommandContext`) is replaced, for
    Typer, by ``--database-url`` and (unless ``actor=False``) ``--as-user`` / ``--as``, appended after the
    command's own options; the command runs inside :func:`domain_errors`. ``every_domain=False`` opens the
    database without importing every domain (a read-only report of one domain starts faster)."""

    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        hints = get_type_hints(command, include_extras=True)
        own = [p.replace(annotation=hints.get(p.name, p.annotation))
               for p in list(inspect.signature(command).parameters.values())[1:]]
        shared = [inspect.Parameter("database_url", inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None,
                                    annotation=DatabaseUrl)]
        if actor:
            shared.append(inspect.Parameter("as_user", inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None,
                                            annotation=AsUser))

        @functools.wraps(command)
        def run_command(*args: Any, database_url: str | None = None, as_user: str | None = None,
                        **kwargs: Any) -> Any:
            with domain_errors():
                return command(CommandContext(database_url, as_user, every_domain), *args, **kwargs)

        params = own + shared
        run_command.__signature__ = inspect.Signature(params, return_annotation=None)  # type: ignore[attr-defined]
        run_command.__annotations__ = {p.name: p.annotation for p in params} | {"return": None}
        return run_command

    return decorate(fn) if fn is not None else decorate
