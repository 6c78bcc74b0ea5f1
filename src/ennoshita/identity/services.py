"""Identity use cases: login, sessions, users, roles, API tokens.

Each function takes a unit of work and the acting user, checks the actor's roles first, writes, records
the audit trail and commits, so web, API and CLI share one set of rules.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import secrets
import threading
from dataclasses import dataclass
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from ennoshita import audit
from ennoshita.actor import Actor
from ennoshita.dates import as_utc, now_utc
from ennoshita.db import UnitOfWork, read_intent
from ennoshita.errors import Conflict, Invalid, NotFound, Problem, TooManyAttempts, Unauthenticated
from ennoshita.identity import rules
from ennoshita.identity.models import ApiToken, User, UserRole, UserSession
from ennoshita.identity.roles import ALL_ROLES, require
from ennoshita.lengths import length_problems
from ennoshita.security.models import LoginThrottle

_hasher = PasswordHasher()


@cache
def _dummy_hash() -> str:
    """A real hash to verify against when the e-mail is unknown, so timing does not reveal which e-mails exist.
    Computed on the first failed login, not at import (an argon2 hash costs ~100 ms every CLI command paid)."""
    return _hasher.hash("dummy-password-for-timing")

TOKEN_PREFIX = "ens_"


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class UserSummary:
    id: int
    email: str
    display_name: str
    language: str
    department: str | None
    roles: tuple[str, ...]
    active: bool
    created_at: dt.datetime


def summarize(user: User) -> UserSummary:
    return UserSummary(
        user.id, user.email, user.display_name, user.language, user.department,
        tuple(sorted(user.role_names)), user.active, as_utc(user.created_at),
    )


def actor_of(user: User, via: str) -> Actor:
    return Actor(
        user_id=user.id, name=user.display_name, roles=user.role_names, via=via,
        language=user.language, department=user.department,
    )


def _snapshot(user: User) -> dict[str, object]:
    return {
        "email": user.email, "display_name": user.display_name, "language": user.language,
        "department": user.department, "roles": sorted(user.role_names), "active": user.active,
    }


# ---------------------------------------------------------------- login and sessions


@dataclass(frozen=True)
class LoginResult:
    actor: Actor
    session_token: str
    csrf_token: str


def login(
    uow: UnitOfWork, email: str, password: str, via: str, *, throttle_after: int = 5,
    throttle_seconds: int = 30, session_hours: int = 12, client: str = "",
) -> LoginResult:
    """Check the password, open a session. Failures slow down the pair (e-mail, client address), known and
    unknown e-mails alike (same answers, same timing: no one learns who has an account, and no one can keep a
    colleague locked out from another address). Repeated failures are audited in aggregate: every failure
    up to the threshold, then at 2x, 4x ... with the count; attempts refused while slowed down once per lock."""
    normalized = rules.normalize_email(email)
    key = sha256(f"{normalized}|{client}")
    # 1. Read what the check needs (a read transaction: on SQLite it takes no write lock).
    with read_intent(), uow:
        s = uow.session
        user = s.scalar(select(User).where(User.email == normalized))
        known = user is not None and user.active
        user_id = user.id if known and user is not None else None
        stored_hash = user.password_hash if known and user is not None else None
        throttle = s.get(LoginThrottle, key)
        started = now_utc()
        locked = (throttle is not None and throttle.locked_until is not None
                  and as_utc(throttle.locked_until) > started)
    # 2. argon2 outside any transaction: eight threads of failed logins never hold the write lock while hashing.
    if locked or stored_hash is None:
        _verify(_dummy_hash(), password)  # the same work as a real check
        ok = False
    else:
        ok = _verify(stored_hash, password)
    # 3. A short write transaction: the throttle, the audit record, the session.
    with uow:
        s = uow.session
        now = now_utc()
        user = s.get(User, user_id) if user_id is not None else None
        known = user is not None and user.active
        who = actor_of(user, via) if known and user is not None else Actor(None, normalized[:200], via=via)
        entity = user.id if known and user is not None else "-"
        throttle = s.get(LoginThrottle, key)
        if locked and throttle is not None and throttle.locked_until is not None:  # slowed down when it arrived
            throttle.refused += 1
            if throttle.refused == 1:
                audit.record(s, who, "user", entity, "login_throttled", after={"failures": throttle.failures})
            uow.commit()
            wait = max(int((as_utc(throttle.locked_until) - now).total_seconds()) + 1, 1)
            raise TooManyAttempts("identity.error.throttled", seconds=wait)
        if not ok or not known or user is None:
            if throttle is None:
                throttle = LoginThrottle(key_hash=key, failures=0, refused=0, updated_at=now)
                s.add(throttle)
            throttle.failures += 1
            throttle.refused = 0
            throttle.updated_at = now
            lock = rules.lock_duration(throttle.failures, throttle_after, throttle_seconds)
            throttle.locked_until = now + lock if lock else None
            n = throttle.failures
            if n <= throttle_after or (n & (n - 1)) == 0:
                audit.record(s, who, "user", entity, "login_failed", after={"email": normalized[:200], "failures": n})
            uow.commit()
            raise Unauthenticated("identity.error.login_failed")
        if throttle is not None:
            s.delete(throttle)
        needs_rehash = _hasher.check_needs_rehash(user.password_hash)
        user.failed_logins = 0
        user.locked_until = None
        token = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(32)
        s.add(UserSession(token_hash=sha256(token), user_id=user.id, csrf_token=csrf, created_at=now,
                          expires_at=now + dt.timedelta(hours=session_hours)))
        actor = actor_of(user, via)
        audit.record(s, actor, "user", user.id, "login")
        uow.commit()
    if needs_rehash:  # rare (parameters changed): hash outside the lock, store in its own short transaction
        new_hash = _hasher.hash(password)
        with uow:
            fresh = uow.session.get(User, actor.user_id)
            if fresh is not None:
                fresh.password_hash = new_hash
                uow.commit()
    return LoginResult(actor, token, csrf)


# At most one password check per CPU core at a time: argon2 is memory-hard and spreads over threads of its own,
# so eight threads of failed logins would otherwise take every core from the pages and API calls (issue 14).
_CHECKS = threading.BoundedSemaphore(max(1, (os.cpu_count() or 2) // 2))


def _verify(password_hash: str, password: str) -> bool:
    with _CHECKS:
        try:
            return _hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False


@dataclass(frozen=True)
class SessionInfo:
    actor: Actor
    csrf_token: str


def resolve_session(uow: UnitOfWork, token: str, via: str = "web") -> SessionInfo | None:
    with uow:
        row = uow.session.execute(
            select(UserSession, User).join(User, User.id == UserSession.user_id)
            .where(UserSession.token_hash == sha256(token))
        ).first()
        if row is None:
            return None
        sess, user = row
        if sess.ended_at is not None or as_utc(sess.expires_at) <= now_utc() or not user.active:
            return None
        return SessionInfo(actor_of(user, via), sess.csrf_token)


def logout(uow: UnitOfWork, token: str) -> None:
    with uow:
        s = uow.session
        row = s.execute(
            select(UserSession, User).join(User, User.id == UserSession.user_id)
            .where(UserSession.token_hash == sha256(token))
        ).first()
        if row is None or row[0].ended_at is not None:
            return
        sess, user = row
        sess.ended_at = now_utc()
        audit.record(s, actor_of(user, "web"), "user", user.id, "logout")
        uow.commit()


# ---------------------------------------------------------------- users


@dataclass(frozen=True)
class NewUser:
    email: str
    display_name: str
    roles: tuple[str, ...]
    password: str
    language: str = "ja"
    department: str | None = None


def _role_problems(roles: tuple[str, ...] | list[str], field: str = "roles") -> list[Problem]:
    problems = [Problem("identity.error.unknown_role", field, {"role": r})
                for r in roles if r not in ALL_ROLES]
    if not roles:
        problems.append(Problem("identity.error.no_role", field))
    return problems


def create_user(uow: UnitOfWork, actor: Actor, cmd: NewUser) -> UserSummary:
    require(actor, "users.manage")
    problems = new_user_problems(cmd)
    if problems:
        raise Invalid(problems=problems)
    with uow:
        result = add_user_row(uow, actor, cmd)
        uow.commit()
        return result


def new_user_problems(cmd: NewUser, prefix: str = "") -> list[Problem]:
    """Every problem with a new user's e-mail, password, name, language and roles (fields named ``prefix+name``)."""
    problems: list[Problem] = []
    for p in (rules.email_problem(rules.normalize_email(cmd.email)), rules.password_problem(cmd.password)):
        if p:
            problems.append(Problem(p.key, prefix + (p.field or ""), p.params) if prefix else p)
    if not rules.nfc(cmd.display_name):
        problems.append(Problem("error.required", prefix + "display_name"))
    problems += length_problems(User, {"display_name": rules.nfc(cmd.display_name),
                                       "department": cmd.department}, prefix)
    if cmd.language not in rules.LANGUAGES:
        problems.append(Problem("identity.error.language", prefix + "language"))
    problems += _role_problems(cmd.roles, prefix + "roles")
    return problems


def add_user_row(uow: UnitOfWork, actor: Actor, cmd: NewUser) -> UserSummary:
    """Inside an open unit of work: insert a checked new user and its audit record (the caller commits)."""
    s = uow.session
    email = rules.normalize_email(cmd.email)
    if s.scalar(select(User.id).where(User.email == email)) is not None:
        raise Conflict("identity.error.email_taken", field="email", email=email)
    user = User(
        email=email, display_name=rules.nfc(cmd.display_name), language=cmd.language,
        department=cmd.department, password_hash=_hasher.hash(cmd.password), active=True,
        failed_logins=0, created_at=now_utc(),
    )
    user.roles = [UserRole(role=r) for r in sorted(set(cmd.roles))]
    s.add(user)
    s.flush()
    audit.record(s, actor, "user", user.id, "create", after=_snapshot(user))
    return summarize(user)


def _load_user(uow: UnitOfWork, user_id: int) -> User:
    user = uow.session.get(User, user_id)
    if user is None:
        raise NotFound("identity.error.user_not_found", field="user_id", user_id=user_id)
    return user


def find_user_id(uow: UnitOfWork, email: str) -> int:
    with uow:
        uid = uow.session.scalar(select(User.id).where(User.email == rules.normalize_email(email)))
        if uid is None:
            raise NotFound("identity.error.user_not_found", field="email", user_id=email)
        return uid


def deactivate_user(uow: UnitOfWork, actor: Actor, user_id: int) -> UserSummary:
    """Users are never deleted: their name stays on every record they touched."""
    require(actor, "users.manage")
    with uow:
        user = _load_user(uow, user_id)
        if actor.user_id == user_id:
            raise Invalid("identity.error.self_deactivate", field="user_id")
        before = _snapshot(user)
        user.active = False
        for sess in uow.session.scalars(select(UserSession).where(UserSession.user_id == user_id,
                                                                  UserSession.ended_at.is_(None))):
            sess.ended_at = now_utc()
        audit.record(uow.session, actor, "user", user.id, "deactivate", before, _snapshot(user))
        result = summarize(user)
        uow.commit()
        return result


def reactivate_user(uow: UnitOfWork, actor: Actor, user_id: int) -> UserSummary:
    require(actor, "users.manage")
    with uow:
        user = _load_user(uow, user_id)
        before = _snapshot(user)
        user.active = True
        user.failed_logins = 0
        user.locked_until = None
        audit.record(uow.session, actor, "user", user.id, "reactivate", before, _snapshot(user))
        result = summarize(user)
        uow.commit()
        return result


def set_roles(uow: UnitOfWork, actor: Actor, user_id: int, roles: list[str]) -> UserSummary:
    require(actor, "users.manage")
    problems = _role_problems(roles)
    if problems:
        raise Invalid(problems=problems)
    with uow:
        user = _load_user(uow, user_id)
        if actor.user_id == user_id and "admin" not in roles:
            raise Invalid("identity.error.self_demote", field="roles")
        before = _snapshot(user)
        wanted = set(roles)
        user.roles = [r for r in user.roles if r.role in wanted]
        have = user.role_names
        user.roles += [UserRole(role=r) for r in sorted(wanted - have)]
        uow.session.flush()
        audit.record(uow.session, actor, "user", user.id, "set_roles", before, _snapshot(user))
        result = summarize(user)
        uow.commit()
        return result


def _end_sessions(s: Session, user_id: int, keep_token: str | None = None, tokens_too: bool = False) -> int:
    """End every open session of the user but the one whose cookie is ``keep_token``; with ``tokens_too``
    revoke every API token as well. Returns how many sessions and tokens ended."""
    now = now_utc()
    kept = sha256(keep_token) if keep_token else None
    ended = 0
    for sess in s.scalars(select(UserSession).where(UserSession.user_id == user_id, UserSession.ended_at.is_(None))):
        if sess.token_hash != kept:
            sess.ended_at = now
            ended += 1
    if tokens_too:
        for tok in s.scalars(select(ApiToken).where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))):
            tok.revoked_at = now
            ended += 1
    return ended


def change_own_password(uow: UnitOfWork, actor: Actor, current: str, new: str,
                        keep_session: str | None = None) -> None:
    """Change my password; every other session of mine ends (``keep_session``: this browser's cookie)."""
    if actor.user_id is None:
        raise Unauthenticated()
    problem = rules.password_problem(new, "new_password")
    if problem:
        raise Invalid(problems=[problem])
    with uow:
        user = _load_user(uow, actor.user_id)
        if not _verify(user.password_hash, current):
            raise Invalid("identity.error.current_password", field="current_password")
        user.password_hash = _hasher.hash(new)
        ended = _end_sessions(uow.session, user.id, keep_session)
        audit.record(uow.session, actor, "user", user.id, "change_password", after={"sessions_ended": ended})
        uow.commit()


def reset_password(uow: UnitOfWork, actor: Actor, user_id: int, new: str) -> None:
    """An administrator sets a user's password: all their sessions end and all their API tokens are revoked."""
    require(actor, "users.manage")
    problem = rules.password_problem(new, "password")
    if problem:
        raise Invalid(problems=[problem])
    with uow:
        user = _load_user(uow, user_id)
        user.password_hash = _hasher.hash(new)
        ended = _end_sessions(uow.session, user.id, tokens_too=True)
        audit.record(uow.session, actor, "user", user.id, "reset_password", after={"sessions_and_tokens_ended": ended})
        uow.commit()


def set_own_language(uow: UnitOfWork, actor: Actor, language: str) -> None:
    if actor.user_id is None:
        raise Unauthenticated()
    if language not in rules.LANGUAGES:
        raise Invalid("identity.error.language", field="language")
    with uow:
        user = _load_user(uow, actor.user_id)
        before = _snapshot(user)
        user.language = language
        audit.record(uow.session, actor, "user", user.id, "set_language", before, _snapshot(user))
        uow.commit()


def list_users(uow: UnitOfWork, actor: Actor) -> list[UserSummary]:
    require(actor, "users.view")
    with uow:
        users = uow.session.scalars(select(User).order_by(User.id)).all()
        return [summarize(u) for u in users]


def get_user(uow: UnitOfWork, actor: Actor, user_id: int) -> UserSummary:
    if actor.user_id != user_id:
        require(actor, "users.view")
    with uow:
        return summarize(_load_user(uow, user_id))


# ---------------------------------------------------------------- API tokens


@dataclass(frozen=True)
class TokenSummary:
    id: int
    name: str
    prefix: str
    created_at: dt.datetime
    expires_at: dt.datetime | None
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


def _token_summary(t: ApiToken) -> TokenSummary:
    def opt(v: dt.datetime | None) -> dt.datetime | None:
        return as_utc(v) if v else None

    return TokenSummary(t.id, t.name, t.prefix, as_utc(t.created_at), opt(t.expires_at),
                        opt(t.last_used_at), opt(t.revoked_at))


def create_api_token(
    uow: UnitOfWork, actor: Actor, name: str, *, expires_days: int | None = None, user_id: int | None = None
) -> tuple[str, TokenSummary]:
    """A new personal token. The plain token is returned once; only its hash is kept."""
    owner = user_id if user_id is not None else actor.user_id
    if owner is None:
        raise Unauthenticated()
    if owner != actor.user_id:
        require(actor, "users.manage")
    if not rules.nfc(name):
        raise Invalid("error.required", field="name")
    if expires_days is not None and expires_days <= 0:
        raise Invalid("identity.error.expires_days", field="expires_days")
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = now_utc()
    with uow:
        user = _load_user(uow, owner)
        if not user.active:
            raise Invalid("identity.error.user_inactive", field="user_id")
        tok = ApiToken(user_id=owner, name=rules.nfc(name), prefix=plain[:10], token_hash=sha256(plain),
                       created_at=now,
                       expires_at=now + dt.timedelta(days=expires_days) if expires_days else None)
        uow.session.add(tok)
        uow.session.flush()
        audit.record(uow.session, actor, "api_token", tok.id, "create",
                     after={"user_id": owner, "name": tok.name, "prefix": tok.prefix})
        summary = _token_summary(tok)
        uow.commit()
        return plain, summary


def list_api_tokens(uow: UnitOfWork, actor: Actor) -> list[TokenSummary]:
    if actor.user_id is None:
        return []
    with uow:
        toks = uow.session.scalars(select(ApiToken).where(ApiToken.user_id == actor.user_id)
                                   .order_by(ApiToken.id.desc())).all()
        return [_token_summary(t) for t in toks]


def revoke_api_token(uow: UnitOfWork, actor: Actor, token_id: int) -> None:
    with uow:
        tok = uow.session.get(ApiToken, token_id)
        if tok is None:
            raise NotFound("identity.error.token_not_found", field="token_id")
        if tok.user_id != actor.user_id:
            require(actor, "users.manage")
        if tok.revoked_at is None:
            tok.revoked_at = now_utc()
            audit.record(uow.session, actor, "api_token", tok.id, "revoke")
        uow.commit()


def authenticate_token(uow: UnitOfWork, plain: str) -> Actor:
    """The actor behind a bearer token; expired, revoked or unknown tokens are refused."""
    with uow:
        row = uow.session.execute(
            select(ApiToken, User).join(User, User.id == ApiToken.user_id)
            .where(ApiToken.token_hash == sha256(plain))
        ).first()
        if row is None:
            raise Unauthenticated("identity.error.token_invalid")
        tok, user = row
        now = now_utc()
        if tok.revoked_at is not None:
            raise Unauthenticated("identity.error.token_revoked")
        if tok.expires_at is not None and as_utc(tok.expires_at) <= now:
            raise Unauthenticated("identity.error.token_expired")
        if not user.active:
            raise Unauthenticated("identity.error.user_inactive")
        actor = actor_of(user, "api")
        if tok.last_used_at is None or now - as_utc(tok.last_used_at) > dt.timedelta(minutes=1):
            tok.last_used_at = now
            try:
                uow.commit()
            except OperationalError:  # SQLite's write lock held by a long import: the stamp is best effort
                pass
        return actor


def actor_by_email(uow: UnitOfWork, email: str, via: str) -> Actor:
    """For the CLI's --as-user: act as a named, active user."""
    with uow:
        user = uow.session.scalar(select(User).where(User.email == rules.normalize_email(email)))
        if user is None or not user.active:
            raise NotFound("identity.error.user_not_found", field="as_user", user_id=email)
        return actor_of(user, via)
