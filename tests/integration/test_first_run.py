"""A company's first day without the demo: ``ennoshita init --company``, ``company show|set``, the first-run
page, and ``serve`` loading the demo only when asked (issue 13 item 2)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from ennoshita.cli.main import app
from ennoshita.db import Database
from ennoshita.identity.models import Company, User
from ennoshita.settings import Settings
from ennoshita.web.app import create_app
from tests.conftest import csrf_of

runner = CliRunner()
PASSWORD = "a-long-admin-password"


def _count_users(db: Database) -> int:
    with db.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(User)) or 0


def test_init_registers_a_company_and_its_administrator_without_the_demo(db: Database) -> None:
    r = runner.invoke(app, ["init", "--company", "株式会社みどり商事", "--admin-email", "boss@midori.example.jp",
                            "--admin-name", "緑川 一郎", "--password-stdin", "--fiscal-year-start-month", "1",
                            "--database-url", db.url], input=PASSWORD + "\n")
    assert r.exit_code == 0, r.output
    assert "株式会社みどり商事" in r.stdout and "boss@midori.example.jp" in r.stdout
    assert _count_users(db) == 1  # the administrator, and no demo user
    r = runner.invoke(app, ["company", "set", "--kana", "カブシキガイシャミドリショウジ", "--registration-number",
                            "T7123456789012", "--tax-accounting", "inclusive", "--database-url", db.url])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["company", "bank", "--bank-code", "0005", "--branch-code", "001", "--account-number",
                            "7654321", "--holder-kana", "ｶ)ﾐﾄﾞﾘｼﾖｳｼﾞ", "--default", "--database-url", db.url])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["company", "show", "--database-url", db.url])
    assert r.exit_code == 0, r.output
    for shown in ("株式会社みどり商事", "カブシキガイシャミドリショウジ", "T7123456789012", "税込経理", "7654321"):
        assert shown in r.stdout, shown
    assert any(line.split("│")[2].strip() == "1月" for line in r.stdout.splitlines()
               if "期首月" in line), r.stdout  # as the company screen says it (the CLI printed 「1」)
    with db.uow() as uow:
        company = uow.session.get(Company, 1)
        assert company is not None and company.fiscal_year_start_month == 1
    # the administrator logs in to the web
    with TestClient(create_app(Settings(database_url=db.url, secret_key="t"), db)) as client:
        page = client.get("/login")
        assert "ログイン" in page.text
        r2 = client.post("/login", data={"email": "boss@midori.example.jp", "password": PASSWORD,
                                         "csrf_token": csrf_of(page.text)}, follow_redirects=False)
        assert r2.status_code == 303


def test_init_refuses_a_second_company_and_reports_every_problem(db: Database) -> None:
    r = runner.invoke(app, ["init", "--company", "", "--admin-email", "not-an-email", "--password-stdin",
                            "--database-url", db.url], input="short\n")
    assert r.exit_code == 1
    problems = [line for line in r.stderr.splitlines() if line.startswith("エラー")]
    assert len(problems) == 4, r.stderr  # 会社名, e-mail, password and (from the empty name) 氏名 at once
    assert _count_users(db) == 0
    ok = ["init", "--company", "株式会社A", "--admin-email", "a@a.example.jp", "--password-stdin",
          "--database-url", db.url]
    assert runner.invoke(app, ok, input=PASSWORD + "\n").exit_code == 0
    again = runner.invoke(app, [*ok[:4], "b@b.example.jp", *ok[5:]], input=PASSWORD + "\n")
    assert again.exit_code == 1 and "すでに登録" in again.stderr
    assert _count_users(db) == 1


def test_the_first_run_page_registers_the_company_and_logs_the_administrator_in(db: Database) -> None:
    with TestClient(create_app(Settings(database_url=db.url, secret_key="t"), db)) as client:
        r = client.get("/", follow_redirects=True)
        assert r.url.path == "/setup" and "会社情報の登録" in r.text
        token = csrf_of(r.text)
        bad = client.post("/setup", data={"csrf_token": token, "name": "", "admin_email": "x",
                                          "admin_password": "short", "admin_display_name": "",
                                          "fiscal_year_start_month": "4", "tax_accounting": "exclusive"})
        assert bad.status_code == 422
        # every error at once, each beside its field
        for field in ("name", "admin_email", "admin_password", "admin_display_name"):
            assert f'id="f-{field}"' in bad.text
        assert bad.text.count('class="error"') == 4
        good = client.post("/setup", data={"csrf_token": token, "name": "株式会社あおば", "admin_email":
                                           "owner@aoba.example.jp", "admin_password": PASSWORD,
                                           "admin_display_name": "青葉 花子", "fiscal_year_start_month": "4",
                                           "tax_accounting": "exclusive"}, follow_redirects=False)
        assert good.status_code == 303
        home = client.get("/")
        assert home.status_code == 200 and "青葉 花子" in home.text
        # the page closes once a company exists
        assert client.get("/setup", follow_redirects=False).status_code == 303
    assert _count_users(db) == 1


def _serve(monkeypatch: pytest.MonkeyPatch, db: Database, *args: str) -> str:
    import uvicorn

    calls: list[Any] = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: calls.append(a))
    r = runner.invoke(app, ["serve", "--database-url", db.url, *args])
    assert r.exit_code == 0, r.output
    assert calls
    return r.stdout


def test_serve_loads_the_demo_only_when_asked_and_prints_demo_logins_only_for_the_demo(
        db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    out = _serve(monkeypatch, db)
    assert _count_users(db) == 0 and "ennoshita-demo" not in out and "/setup" in out
    runner.invoke(app, ["init", "--company", "株式会社B", "--admin-email", "b@b.example.jp", "--password-stdin",
                        "--database-url", db.url], input=PASSWORD + "\n")
    out = _serve(monkeypatch, db, "--demo")  # a real company: --demo changes nothing, no demo logins
    assert _count_users(db) == 1 and "ennoshita-demo" not in out


def test_serve_prints_the_demo_logins_for_the_demo_company(demo_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    out = _serve(monkeypatch, demo_db)
    assert "admin@demo.ennoshita.jp / ennoshita-demo" in out
