"""Async route handlers off the event loop (issue 14 item 15).

Most web handlers are ``async def`` only to read their form (``await form_data(request)``), then call services
that wait on the database: on the event loop, one such wait (SQLite's write lock held by a long import) stops
every other request of the process. :func:`move_off_loop` wraps every ``async def`` handler of an app: the body
is read first, on the loop (a multipart upload spooled and parsed in a worker thread, see
:mod:`ennoshita.security.uploads`), then the handler runs in the thread pool on an event loop of its own. The
handler's ``await request.form()`` then answers the cached form and touches nothing of the server's loop.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import FastAPI, Request
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool

from ennoshita.security.uploads import read_form

_FORMS = ("multipart/form-data", "application/x-www-form-urlencoded")
_WRAPPED = "__ennoshita_off_loop__"


def move_off_loop(app: FastAPI) -> None:
    for route in app.routes:
        if not isinstance(route, APIRoute):
            continue
        call = route.dependant.call
        if call is None or getattr(call, _WRAPPED, False) or not asyncio.iscoroutinefunction(call):
            continue
        route.dependant.call = _off_loop(call)


def _off_loop(endpoint: Callable[..., Coroutine[Any, Any, Any]]) -> Callable[..., Coroutine[Any, Any, Any]]:
    @functools.wraps(endpoint)
    async def wrapper(**values: Any) -> Any:
        for value in values.values():
            if isinstance(value, Request):
                await _read_body(value)
        return await run_in_threadpool(_run, endpoint, values)

    setattr(wrapper, _WRAPPED, True)
    return wrapper


async def _read_body(request: Request) -> None:
    """Read the body on the server's loop, once: afterwards form(), body() and json() answer from the cache."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    if request.headers.get("content-type", "").startswith(_FORMS):
        await read_form(request)
    else:
        await request.body()


def _run(endpoint: Callable[..., Coroutine[Any, Any, Any]], values: dict[str, Any]) -> Any:
    return asyncio.run(endpoint(**values))
