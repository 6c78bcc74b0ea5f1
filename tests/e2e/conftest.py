"""Browser tests: a live server on a free port, and Playwright driving Debian's chromium."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from ennoshita.db import Database
from ennoshita.demo import load_demo
from ennoshita.migrations import upgrade
from ennoshita.settings import Settings
from ennoshita.web.app import create_app


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, Any]:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    assert exe, "Debian's chromium is required (make test installs it)"
    return {"executable_path": exe, "headless": True,
            "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
                     "--no-first-run", "--disable-component-update", "--disable-sync"]}


@pytest.fixture(scope="session")
def browser_context_args() -> dict[str, Any]:
    return {"viewport": {"width": 1280, "height": 900}, "locale": "ja-JP"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path: Path = tmp_path_factory.mktemp("e2e") / "e2e.db"
    db = Database(f"sqlite:///{path}")
    upgrade(db.engine)
    load_demo(db)
    port = _free_port()
    app = create_app(Settings(database_url=db.url, secret_key="e2e"), db)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(100):
        if server.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=5)
    db.dispose()
