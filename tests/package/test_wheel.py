"""The package as a deployment installs it: build the wheel, install it into a fresh virtual environment
(away from the source tree), and check that the CLI, a problem+json body and the login page speak Japanese.

An editable install reads every file from the source tree and hides a file the wheel leaves out; this test
does not: the wheel must carry every run-time file (catalogs, templates, static files, migrations).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "ennoshita"


def _catalog_keys() -> set[str]:
    keys: set[str] = set()
    for po in (PACKAGE / "i18n" / "ja").glob("*.po"):
        keys.update(re.findall(r'^msgid "([a-z][a-z0-9_]*(?:\.[a-z0-9_:]+)+)"', po.read_text("utf-8"), re.M))
    return keys


def _keys_left(text: str, keys: set[str]) -> list[str]:
    words = set(re.findall(r"[a-z][a-z0-9_]*(?:\.[a-z0-9_:]+)+", text))
    return sorted(words & keys)


def _said(problem: dict[str, object]) -> str:
    """What a problem+json body says to a person (``type`` is a URN that names the key on purpose)."""
    errors = problem.get("errors") or []
    assert isinstance(errors, list)
    return " ".join([str(problem["title"]), str(problem["detail"]), *(str(e["message"]) for e in errors)])


def _runtime_files() -> list[str]:
    """Every file under the package that is not Python source or a build by-product."""
    out = []
    for path in PACKAGE.rglob("*"):
        if path.is_dir() or "__pycache__" in path.parts or path.suffix in (".py", ".pyc"):
            continue
        out.append(path.relative_to(PACKAGE.parent).as_posix())
    return sorted(out)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(wheel, the fresh venv's bin directory)."""
    tmp = tmp_path_factory.mktemp("wheel")
    # build from a clean copy of the source tree: an in-tree build/ left by an earlier build is reused by
    # setuptools and could ship stale modules (a fresh clone, as CI has, has none)
    source = tmp / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", "build", "dist", "*.egg-info", "var", "__pycache__", ".mypy_cache", ".ruff_cache",
        ".pytest_cache", "node_modules"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp / "dist"), str(source)],
                   check=True, cwd=tmp)
    wheel = next((tmp / "dist").glob("ennoshita-*.whl"))
    subprocess.run([sys.executable, "-m", "venv", str(tmp / "venv")], check=True)
    bin_dir = tmp / "venv" / "bin"
    subprocess.run([str(bin_dir / "pip"), "install", "-q", "--disable-pip-version-check", str(wheel)],
                   check=True, cwd=tmp)
    return wheel, bin_dir


def test_the_wheel_carries_every_runtime_file(installed: tuple[Path, Path]) -> None:
    wheel, _ = installed
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [f for f in _runtime_files() if f not in names]
    assert missing == []


def test_the_installed_package_speaks_japanese(installed: tuple[Path, Path], tmp_path: Path) -> None:
    _, bin_dir = installed
    keys = _catalog_keys()
    assert len(keys) > 500  # the oracle itself: the source tree's Japanese catalog
    env = {k: v for k, v in os.environ.items() if not k.startswith("ENNOSHITA_")}
    env.update(ENNOSHITA_LANG="ja", LANG="ja_JP.UTF-8", COLUMNS="200",
               ENNOSHITA_DATABASE_URL=f"sqlite:///{tmp_path / 'wheel.db'}",
               ENNOSHITA_SECRET_KEY="wheel-test-secret-key-0123456789")
    cli = str(bin_dir / "ennoshita")

    def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run([cli, *args], input=stdin, capture_output=True, text=True, env=env, cwd=tmp_path,
                              timeout=120, check=False)

    init = run("init")
    assert init.returncode == 0, init.stderr
    assert _keys_left(init.stdout + init.stderr, keys) == []
    assert re.search(r"[ぁ-んァ-ン一-龥]", init.stdout), init.stdout
    added = run("user", "add", "--email", "admin@example.jp", "--name", "管理者", "--role", "admin",
                "--password-stdin", stdin="wheel-test-password-1\n")
    assert added.returncode == 0, added.stderr
    assert _keys_left(added.stdout, keys) == []
    token = run("token", "create", "--email", "admin@example.jp").stdout.strip()
    assert token

    port = _free_port()
    server = subprocess.Popen([cli, "serve", "--port", str(port)], env=env, cwd=tmp_path,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(150):
            try:
                urllib.request.urlopen(base + "/api/v1/health", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        req = urllib.request.Request(base + "/api/v1/company",
                                     headers={"Authorization": f"Bearer {token}", "Accept-Language": "ja"})
        with pytest.raises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(req, timeout=10)
        assert caught.value.headers["content-type"].startswith("application/problem+json")
        problem = json.loads(caught.value.read())
        assert _keys_left(_said(problem), keys) == [], problem
        assert re.search(r"[ぁ-んァ-ン一-龥]", problem["detail"]), problem

        bad = urllib.request.Request(base + "/api/v1/users", method="POST", data=b'{"email": 1}',
                                     headers={"Authorization": f"Bearer {token}", "Accept-Language": "ja",
                                              "Content-Type": "application/json"})
        with pytest.raises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(bad, timeout=10)
        problem = json.loads(caught.value.read())
        assert caught.value.code == 422
        assert problem["errors"] and _keys_left(_said(problem), keys) == [], problem

        page = urllib.request.urlopen(base + "/login", timeout=10).read().decode("utf-8")
        assert "ログイン" in page
        assert _keys_left(page, keys) == []
    finally:
        server.terminate()
        out, _ = server.communicate(timeout=10)
    assert _keys_left(out, keys) == [], out
