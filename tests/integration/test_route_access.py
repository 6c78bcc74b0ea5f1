"""Every route of the OpenAPI document and of the web app, called as every role (and anonymously), answers as
the one declared permission table (ennoshita.security.access.ROUTES) says: 403 for a role the table refuses,
never 401/403 for a role it allows, never a 5xx. A route the table does not declare fails the test, so a route
without a check cannot be added unnoticed. The README's role table is the table's generated text.

Before the table existed, ``GET /api/v1/approvals/of/{type}/{id}`` answered a requester with any document's
approval (issue 14 item 1): this walk failed on it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from ennoshita.actor import Actor
from ennoshita.db import Database
from ennoshita.identity import services as identity
from ennoshita.security import access
from ennoshita.web.app import web_routers
from tests.conftest import csrf_of, login

ROLE_USERS = {
    "admin": "admin@demo.ennoshita.jp", "accounting": "keiri@demo.ennoshita.jp",
    "sales_admin": "jimu@demo.ennoshita.jp", "purchasing": "kobai@demo.ennoshita.jp",
    "hr": "jinji@demo.ennoshita.jp", "general_affairs": "soumu@demo.ennoshita.jp",
    "legal": "houmu@demo.ennoshita.jp", "requester": "eigyo@demo.ennoshita.jp",
    "auditor": "kansa@demo.ennoshita.jp",
}
PARAM = re.compile(r"\{[^}]+\}")
SKIP = {("web", "POST", "/logout")}  # ends the walking session; public anyway


def web_routes() -> list[tuple[str, str]]:
    out = []
    for router in web_routers():
        for route in router.routes:
            # a router included into another (include_router) would hide its routes from this walk
            assert isinstance(route, APIRoute), f"register {route!r} in ennoshita.web.registry, not nested"
            out += [(m, route.path) for m in sorted(route.methods)]
    return out


def api_routes(client: TestClient) -> list[tuple[str, str]]:
    doc = client.get("/api/v1/openapi.json").json()
    return [(m.upper(), path) for path, ops in doc["paths"].items() for m in ops]


def _call(client: TestClient, method: str, url: str, headers: dict[str, str]) -> int:
    return client.request(method, url, headers=headers, follow_redirects=False).status_code


def test_every_route_is_declared(client: TestClient) -> None:
    missing = [("web", m, p) for m, p in web_routes() if access.rule_for("web", m, p) is None]
    missing += [("api", m, p[len("/api/v1"):] if p.startswith("/api/v1") else p)
                for m, p in api_routes(client) if access.rule_for("api", m, p) is None]
    assert not missing, f"routes missing from ennoshita.security.access.ROUTES: {missing}"


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_every_route_as_every_role_matches_the_table(client: TestClient, demo_db: Database) -> None:
    web = web_routes()
    api = api_routes(client)
    wrong: list[str] = []
    # anonymous: API answers 401, web redirects to the login page, except the public routes
    for method, path in api:
        rule = access.rule_for("api", method, path)
        code = _call(client, method, "/api/v1" + PARAM.sub("1", path), {})
        if rule != access.PUBLIC and code != 401:
            wrong.append(f"anonymous {method} /api/v1{path}: {code}")
    for method, path in web:
        rule = access.rule_for("web", method, path)
        if rule == access.PUBLIC or method != "GET":
            continue
        code = _call(client, method, PARAM.sub("1", path), {})
        if code != 303:
            wrong.append(f"anonymous {method} {path}: {code}")
    for role, email in ROLE_USERS.items():
        uid = identity.find_user_id(demo_db.uow(), email)
        token, _ = identity.create_api_token(demo_db.uow(), Actor.system(), "walk", user_id=uid)
        roles = {role}
        bearer = {"Authorization": f"Bearer {token}"}
        for method, path in api:
            rule = access.rule_for("api", method, path) or "?"
            code = _call(client, method, "/api/v1" + PARAM.sub("1", path), bearer)
            wrong += _judge(role, f"{method} /api/v1{path}", rule, roles, code)
        client.cookies.clear()
        csrf = login(client, email)
        for method, path in web:
            if ("web", method, path) in SKIP:
                continue
            rule = access.rule_for("web", method, path) or "?"
            code = _call(client, method, PARAM.sub("1", path), {"x-csrf-token": csrf})
            wrong += _judge(role, f"{method} {path}", rule, roles, code)
            if method == "POST" and path == "/language":
                csrf = csrf_of(client.get("/me").text)
        client.cookies.clear()
    assert not wrong, "\n".join(wrong)


def _judge(role: str, what: str, rule: str, roles: set[str], code: int) -> list[str]:
    if code >= 500:
        return [f"{role} {what}: {code} (server error)"]
    if rule == "?":
        return [f"{role} {what}: not declared"]
    if rule == access.PUBLIC:
        return []
    if rule == access.LOGIN:
        return [f"{role} {what}: {code}"] if code == 401 else []
    if access.allows(rule, roles):
        if rule.endswith("@record"):  # the service may still refuse this record
            return [f"{role} {what}: {code}"] if code == 401 else []
        return [f"{role} {what}: {code} but the table allows {rule}"] if code in (401, 403) else []
    return [] if code == 403 else [f"{role} {what}: {code} but the table refuses ({rule})"]


def test_readme_role_table_is_generated_from_the_table() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    assert access.role_table_markdown() in readme, (
        "README's route table differs from ennoshita.security.access: "
        "run `python -m ennoshita.security.access` and paste its output")
