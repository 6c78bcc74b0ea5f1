"""The ``ennoshita`` command: set up, serve, manage users and tokens, verify the audit trail, back up.

Start-up is kept light: the domains, the database layer and the web stack are imported by the commands that
use them (see :mod:`ennoshita.cli.lazy`), so ``ennoshita --help`` does not pay for them.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ennoshita.cli.common import (
    CommandContext,
    cli_language,
    console,
    domain_errors,
    label,
    with_context,
)
from ennoshita.cli.lazy import LazyGroup, lazy_modules

if TYPE_CHECKING:
    from ennoshita.i18n import Translator
    from ennoshita.identity.services import NewUser

app = typer.Typer(help="ennoshita (縁の下): the back office of a Japanese company.", no_args_is_help=True,
                  cls=LazyGroup)
user_app = typer.Typer(help="Users: add, list, deactivate.", no_args_is_help=True)
token_app = typer.Typer(help="Personal API tokens.", no_args_is_help=True)
audit_app = typer.Typer(help="The hash-chained audit trail.", no_args_is_help=True)
app.add_typer(user_app, name="user")
app.add_typer(token_app, name="token")
app.add_typer(audit_app, name="audit")

# Each domain's CLI module defines ``register(app)`` adding its command groups. Modules named in
# ennoshita.cli.lazy.LAZY_GROUPS are imported when their group is used; any other is registered here.
CLI_MODULES: tuple[str, ...] = ("ennoshita.cli.ledger", "ennoshita.cli.sales.billing", "ennoshita.cli.sales.documents",
                                "ennoshita.cli.desk", "ennoshita.cli.purchasing", "ennoshita.cli.withholding",
                                "ennoshita.cli.company",
                                "ennoshita.cli.hr", "ennoshita.cli.payroll",
                                "ennoshita.cli.assets", "ennoshita.cli.contracts")
for _name in CLI_MODULES:
    if _name not in lazy_modules():
        __import__(_name, fromlist=["register"]).register(app)


def _roles(roles: Iterable[str]) -> str:
    """Roles as the screens name them (経理, 監査人), in the CLI's language; ``--role`` takes the codes."""
    return ("、" if cli_language() == "ja" else ", ").join(label("role.", r) for r in roles)


def _ask_password(prompt: str) -> str:
    """A password typed twice at the terminal, asked in the CLI's language (click's own words are English)."""
    return str(typer.prompt(prompt, hide_input=True, confirmation_prompt=_t()("cli.password_again")))


def _t() -> Translator:
    from ennoshita.i18n import Translator

    return Translator(cli_language())


@app.command()
@with_context(actor=False)
def init(
    cx: CommandContext,
    company: Annotated[str | None, typer.Option(help="Your company's name (会社名): registers the company.")] = None,
    admin_email: Annotated[str | None, typer.Option(help="The first administrator's login e-mail.")] = None,
    admin_name: Annotated[str | None, typer.Option(help="The first administrator's name.")] = None,
    password_stdin: Annotated[bool, typer.Option(help="Read the administrator's password from standard input.")]
    = False,
    fiscal_year_start_month: Annotated[int, typer.Option(help="期首月 1-12.")] = 4,
    language: Annotated[str, typer.Option(help="The administrator's language: ja or en.")] = "ja",
) -> None:
    """Create the database, or upgrade it to the newest schema; with --company, register your company and
    its first administrator (without the demo)."""
    from ennoshita.errors import Invalid
    from ennoshita.migrations import current_revision, upgrade

    t = _t()
    if company is not None and not admin_email:
        with domain_errors():
            raise Invalid("setup.error.admin_needed", field="admin_email")
    before = current_revision(cx.db.engine)
    upgrade(cx.db.engine)
    after = current_revision(cx.db.engine)
    console.print(t("cli.init_done", before=before or "-", after=after or "-"))
    if company is None or admin_email is None:
        return
    from ennoshita.identity import setup

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = _ask_password(t("cli.admin_password"))
    done = setup.start_company(cx.uow(), {"name": company, "fiscal_year_start_month": fiscal_year_start_month},
                               identity_new_user(admin_email, admin_name or "", password, language))
    console.print(t("cli.setup_done", company=done.company.name, email=done.admin.email))
    console.print(t("cli.setup_next", email=done.admin.email))


def identity_new_user(email: str, name: str, password: str, language: str) -> NewUser:
    from ennoshita.identity.services import NewUser

    return NewUser(email=email, display_name=name, roles=("admin",), password=password, language=language)


@app.command()
@with_context(actor=False)
def demo(cx: CommandContext) -> None:
    """Load the demo company (users, settings and every domain's data) into an empty database."""
    from rich.progress import Progress

    from ennoshita.demo import load_demo

    with Progress(console=console) as progress:
        task = progress.add_task(_t()("cli.demo_loading"), total=None)
        logins = load_demo(cx.db, progress=lambda done, total: progress.update(task, completed=done, total=total))
    console.print(_t()("cli.demo_done"))
    for email, password, roles in logins:
        console.print(f"  {email} / {password}  ({_roles(roles)})")


@app.command()
@with_context(actor=False)
def serve(
    cx: CommandContext,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    demo: Annotated[bool, typer.Option("--demo", envvar="ENNOSHITA_DEMO",
                                       help="Load the demo company when the database is empty (make run does).")]
    = False,
) -> None:
    """Serve the web app and the API (creates/upgrades the database; loads the demo into an empty database only
    with --demo; otherwise an empty database opens on the first-run page 会社情報の登録)."""
    import uvicorn

    from ennoshita.demo import DEMO_LOGINS, is_empty, load_demo
    from ennoshita.identity import setup
    from ennoshita.migrations import upgrade
    from ennoshita.settings import Settings
    from ennoshita.web.app import create_app

    settings = Settings(database_url=cx.database_url) if cx.database_url else Settings()
    upgrade(cx.db.engine)
    t = _t()
    if demo and is_empty(cx.db) and setup.needs_setup(cx.db):
        console.print(t("cli.demo_loading"))
        load_demo(cx.db)
    url = f"http://{host}:{port}"
    console.print(t("cli.serving", url=url))
    if setup.is_demo(cx.db):
        console.print(t("cli.demo_logins"))
        for email, password, roles in DEMO_LOGINS:
            console.print(f"  {email} / {password}  ({_roles(roles)})")
    elif setup.needs_setup(cx.db):
        console.print(t("cli.setup_open", url=url))
    uvicorn.run(create_app(settings, cx.db), host=host, port=port, log_level="info")


@user_app.command("add")
@with_context
def user_add(
    cx: CommandContext,
    email: Annotated[str, typer.Option(help="Login e-mail.")],
    name: Annotated[str, typer.Option(help="Display name.")],
    role: Annotated[list[str], typer.Option(help="Role; repeat for several.")],
    password_stdin: Annotated[bool, typer.Option(help="Read the password from standard input.")] = False,
    language: Annotated[str, typer.Option(help="ja or en.")] = "ja",
    department: Annotated[str | None, typer.Option(help="Department (部門).")] = None,
) -> None:
    """Add a user with one or more roles."""
    from ennoshita.identity import services as identity

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = _ask_password(_t()("cli.password"))
    user = identity.create_user(cx.uow(), cx.actor, identity.NewUser(
        email=email, display_name=name, roles=tuple(role), password=password, language=language,
        department=department))
    console.print(_t()("cli.user_added", email=user.email, id=user.id))


@user_app.command("reset-password")
@with_context
def user_reset_password(
    cx: CommandContext,
    email: Annotated[str, typer.Option(help="Whose password.")],
    password_stdin: Annotated[bool, typer.Option(help="Read the password from standard input.")] = False,
) -> None:
    """Set a user's password: ends all their sessions and revokes all their API tokens."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = _ask_password(_t()("cli.password"))
    from ennoshita.identity import services as identity

    identity.reset_password(cx.uow(), cx.actor, identity.find_user_id(cx.uow(), email), password)
    console.print(_t()("cli.password_reset", email=email))


@user_app.command("list")
@with_context
def user_list(cx: CommandContext) -> None:
    """List users and their roles."""
    from rich.table import Table

    from ennoshita.identity import services as identity

    t = _t()
    users = identity.list_users(cx.uow(), cx.actor)
    table = Table("ID", t("user.email"), t("user.display_name"), t("user.roles"), t("user.status"))
    for u in users:
        table.add_row(str(u.id), u.email, u.display_name, _roles(u.roles),
                      t("user.active") if u.active else t("user.inactive"))
    console.print(table)


@user_app.command("deactivate")
@with_context
def user_deactivate(
    cx: CommandContext,
    email: Annotated[str, typer.Option(help="The user's e-mail.")],
) -> None:
    """Deactivate a user (users are never deleted)."""
    from ennoshita.identity import services as identity

    user_id = identity.find_user_id(cx.uow(), email)
    identity.deactivate_user(cx.uow(), cx.actor, user_id)
    console.print(_t()("cli.user_deactivated", email=email))


@token_app.command("create")
@with_context
def token_create(
    cx: CommandContext,
    email: Annotated[str, typer.Option(help="Whose token.")],
    name: Annotated[str, typer.Option(help="What the token is for.")] = "cli",
    expires_days: Annotated[int | None, typer.Option(help="Days until it expires.")] = None,
) -> None:
    """Create a personal API token and print it once."""
    from ennoshita.identity import services as identity

    user_id = identity.find_user_id(cx.uow(), email)
    plain, _ = identity.create_api_token(cx.uow(), cx.actor, name, expires_days=expires_days, user_id=user_id)
    print(plain)


@audit_app.command("verify")
@with_context(actor=False)
def audit_verify(cx: CommandContext) -> None:
    """Walk the keyed hash chain and its checkpoints: prints how many records are intact, or names the first broken
    record (or the missing key, or the checkpoint the chain does not reach) and exits 1. Never creates a key."""
    from ennoshita import audit
    from ennoshita.ledger import integrity

    with cx.uow() as uow:
        result = audit.verify(uow.session)
        # every posted entry's lines against its chained ``post`` or import record (issue 14 item 16)
        entries = integrity.mismatches(uow.session)
        imports = integrity.import_mismatches(uow.session)
    t = _t()
    for line in [*(m.describe(t) for m in entries), *(im.describe(t) for im in imports)]:
        print(line)
    if result.ok and not entries and not imports:
        print(result.describe(t))
        if result.checkpoint is not None:
            print(result.checkpoint.describe(t))
        return
    if not result.ok:
        print(result.describe(t))
    raise typer.Exit(1)


@app.command()
@with_context(actor=False)
def backup(cx: CommandContext, path: Path) -> None:
    """Write a consistent copy of the database to PATH (SQLite: backup API; PostgreSQL: pg_dump)."""
    import sqlite3

    from rich.progress import Progress

    from ennoshita.audit import checkpoints
    from ennoshita.db import is_sqlite, private_file

    # anchor the audit chain first: the backup holds the checkpoint, and the file next to the key follows it
    with cx.uow() as uow:
        anchor = checkpoints.take(uow.session, "backup", path.name)
        uow.commit()
    checkpoints.publish(anchor)
    if is_sqlite(cx.db.url):
        private_file(path)  # 0600: a backup holds the whole books
        src = sqlite3.connect(cx.db.url.split("///", 1)[1])
        dst = sqlite3.connect(str(path))
        with Progress(console=console) as progress:
            task = progress.add_task(_t()("cli.backup_progress"), total=100)

            def step(_status: int, remaining: int, total: int) -> None:
                progress.update(task, completed=100 * (total - remaining) / max(total, 1))

            src.backup(dst, pages=256, progress=step)
        dst.close()
        src.close()
    else:
        private_file(path)
        _pg_tool("pg_dump", ["--format=custom", f"--file={path}", _pg_url(cx.db.url)])
        path.chmod(0o600)
    console.print(_t()("cli.backup_done", path=str(path)))
    print(anchor.describe(_t()))


@app.command()
@with_context(actor=False)
def restore(cx: CommandContext, path: Path,
            force: Annotated[bool, typer.Option(help="Restore even when the audit chain does not verify.")] = False,
            audit_key_file: Annotated[Path | None, typer.Option(
                help="The audit key of the installation the backup comes from (installed when this one has none)."
            )] = None,
            ) -> None:
    """Replace the database's content with the backup at PATH. The backup's audit chain is verified first with
    the audit key (SQLite; PostgreSQL right after pg_restore): a broken chain, or no key to verify it with, is
    refused unless --force. The schema's triggers are then re-created from the migrations, so a trigger dropped
    in the backup does not come back missing, and the checkpoint file next to the key follows the restored
    chain."""
    import sqlite3
    from contextlib import nullcontext

    from ennoshita.audit import keys
    from ennoshita.db import is_sqlite
    from ennoshita.errors import Invalid
    from ennoshita.security import restore_check

    t = _t()
    if not path.exists():
        raise Invalid("cli.error_no_file", field="path", path=str(path))
    if audit_key_file is not None and not audit_key_file.exists():
        raise Invalid("cli.error_no_file", field="audit_key_file", path=str(audit_key_file))
    cx.db.dispose()
    given_key = keys.key_file(audit_key_file) if audit_key_file is not None else nullcontext()
    if is_sqlite(cx.db.url):
        with given_key:
            problem = restore_check.chain_problem(f"sqlite:///{path}", t)
        if problem and not force:
            raise Invalid("cli.error_backup_chain", path=str(path), detail=problem)
        src = sqlite3.connect(str(path))
        dst = sqlite3.connect(cx.db.url.split("///", 1)[1])
        src.backup(dst)
        dst.close()
        src.close()
    else:
        _pg_tool("pg_restore", ["--clean", "--if-exists", "--no-owner", f"--dbname={_pg_url(cx.db.url)}",
                                str(path)])
        with given_key:
            problem = restore_check.chain_problem(cx.db.url, t)
    if audit_key_file is not None and not problem:
        refused = restore_check.install_key(audit_key_file, t)
        if refused:
            problem = refused
    recreated = restore_check.recreate_triggers(cx.db.url)
    if recreated:
        console.print(t("cli.restore_triggers", names=", ".join(recreated)), highlight=False)
    if problem:
        console.print(t("cli.restore_warning", problem=problem), highlight=False, markup=False)
        if not force:
            raise typer.Exit(1)
    if keys.key_exists():
        notice = restore_check.follow_checkpoint_file(cx.db.url, t)
        if notice:
            console.print(t("cli.restore_note", notice=notice), highlight=False, markup=False)
    console.print(t("cli.restore_done", path=str(path)))


def _pg_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def _pg_tool(name: str, args: list[str]) -> None:
    import shutil
    import subprocess

    from ennoshita.errors import Invalid

    exe = shutil.which(name)
    if exe is None:
        raise Invalid("cli.error_pg_tool", tool=name)
    proc = subprocess.run([exe, *args], capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or [f"exit {proc.returncode}"])[-1]  # the tool's own last word
        raise Invalid("cli.error_pg_tool_failed", tool=name, detail=last)


if __name__ == "__main__":
    app()
