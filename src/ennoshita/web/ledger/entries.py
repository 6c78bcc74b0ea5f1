"""仕訳入力, 下書き, 仕訳一覧, 仕訳詳細, 訂正 and 取消: the screens where entries are made and found.

The form sends one row per line (``lines[i].account``, ``.sub_account``, ``.debit``, ``.credit``,
``.tax_category``, ``.department``, ``.memo``); this module only reads that shape, resolves what a cell
shows (``1110 現金``, a カナ) to codes, calls one service, and re-renders the form with each problem next
to its cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from ennoshita.actor import Actor
from ennoshita.dates import today_tokyo
from ennoshita.db import Database
from ennoshita.errors import DomainError, Invalid, NotFound, Problem
from ennoshita.identity import can, require
from ennoshita.ledger import evidence, owners, queries, queries_ui, services
from ennoshita.ledger.rules import EntryDraft, LineDraft
from ennoshita.ledger.taxes import TAGGED_LIST
from ennoshita.web.approvals import approval_panel
from ennoshita.web.deps import ActorDep, DbDep
from ennoshita.web.forms import (
    field_errors,
    form_data,
    parse_date,
    parse_id,
    parse_int,
    query_without_page,
    tax_names,
    translator,
)
from ennoshita.web.ledger.common import calendar, source_label, viewer
from ennoshita.web.render import render

router = APIRouter(prefix="/ledger")

LINE_FIELDS = ("account", "sub_account", "debit", "credit", "tax_category", "department", "memo")
LINE_KEY = re.compile(r"^lines\[(\d+)\]\.([a-z_]+)$")
MIN_ROWS = 4


# ---------------------------------------------------------------- the form's shape


@dataclass
class EntryForm:
    """What the entry form shows: every cell as text, so a re-render shows exactly what was typed."""

    entry_date: str = ""
    description: str = ""
    counterparty: str = ""
    reversal_date: str = ""
    lines: list[dict[str, str]] = field(default_factory=list)

    def padded(self, rows: int = MIN_ROWS) -> EntryForm:
        blank = dict.fromkeys(LINE_FIELDS, "")
        extra = [dict(blank) for _ in range(max(0, rows - len(self.lines)))]
        return EntryForm(self.entry_date, self.description, self.counterparty, self.reversal_date,
                         self.lines + extra)


def read_form(data: dict[str, Any]) -> EntryForm:
    """The posted cells in line order; rows left wholly blank are dropped, so that line ``i`` of the
    service's problems is row ``i`` of the re-rendered form."""
    rows: dict[int, dict[str, str]] = {}
    for key, value in data.items():
        match = LINE_KEY.match(key)
        if match and match.group(2) in LINE_FIELDS:
            rows.setdefault(int(match.group(1)), {})[match.group(2)] = str(value).strip()
    lines = []
    for i in sorted(rows):
        row = {f: rows[i].get(f, "") for f in LINE_FIELDS}
        if any(row[f] for f in ("account", "sub_account", "debit", "credit", "department", "memo")):
            lines.append(row)
    return EntryForm(str(data.get("entry_date", "")).strip(), str(data.get("description", "")).strip(),
                     str(data.get("counterparty", "")).strip(), str(data.get("reversal_date", "")).strip(), lines)


def form_of(draft: EntryDraft, accounts: list[queries_ui.AccountChoice]) -> EntryForm:
    labels = {a.code: a.label for a in accounts}
    return EntryForm(draft.date.isoformat(), draft.description, draft.counterparty, "", [
        {"account": labels.get(line.account_code, line.account_code), "sub_account": line.sub_account or "",
         "debit": f"{line.debit:,}" if line.debit else "", "credit": f"{line.credit:,}" if line.credit else "",
         "tax_category": line.tax_category or "", "department": line.department or "", "memo": line.memo}
        for line in draft.lines])


@dataclass(frozen=True)
class Choices:
    accounts: list[queries_ui.AccountChoice]
    subs: list[queries_ui.SubAccountRow]
    departments: list[queries_ui.DepartmentRow]


def load_choices(db: Database, lang: str = "ja") -> Choices:
    with db.uow() as uow:
        s = uow.session
        return Choices(queries_ui.account_choices(s, lang=lang),
                       [x for x in queries_ui.sub_accounts(s, lang=lang) if x.active],
                       [d for d in queries_ui.departments(s) if d.active])


def _sub_code(choices: Choices, account_code: str, text: str) -> str:
    value = " ".join(text.split())
    for s in choices.subs:
        if s.account_code == account_code and value in (s.code, s.name, f"{s.code} {s.name}", s.name_kana):
            return s.code
    return value


def _department_code(choices: Choices, text: str) -> str:
    value = " ".join(text.split())
    for d in choices.departments:
        if value in (d.code, d.name, f"{d.code} {d.name}"):
            return d.code
    return value


def to_draft(form: EntryForm, choices: Choices) -> tuple[EntryDraft | None, list[Problem]]:
    """The entry the form describes, or the problems of shape (a date or an amount that cannot be read).
    Whether it balances, and whether its accounts exist, is the service's to say."""
    problems: list[Problem] = []
    day = parse_date(form.entry_date)
    if day is None:
        problems.append(Problem("ledger_ui.error.date", "entry_date"))
    lines = []
    for i, row in enumerate(form.lines):
        amounts = []
        for side in ("debit", "credit"):
            try:
                amounts.append(parse_int(row[side]) or 0)
            except ValueError:
                problems.append(Problem("ledger_ui.error.amount", f"lines[{i}].{side}"))
                amounts.append(0)
        match = queries_ui.match_account(choices.accounts, row["account"])
        code = match.code if match else row["account"]
        if not code:
            problems.append(Problem("ledger_ui.error.account_required", f"lines[{i}].account"))
        lines.append(LineDraft(
            account_code=code, debit=amounts[0], credit=amounts[1], tax_category=row["tax_category"] or None,
            sub_account=_sub_code(choices, code, row["sub_account"]) if row["sub_account"] else None,
            department=_department_code(choices, row["department"]) if row["department"] else None,
            memo=row["memo"]))
    if not lines:
        problems.append(Problem("ledger.error.too_few_lines", "lines"))
    if problems or day is None:
        return None, problems
    return EntryDraft(day, form.description, form.counterparty, tuple(lines)), []


def whole_form_problems(db: Database, actor: Actor, form: EntryForm, choices: Choices,
                        problems: list[Problem]) -> list[Problem]:
    """The form's problems of shape and, beside them, what the service says of the rest of the entry (balance,
    accounts, dates, lengths), so one submit shows every error (issue 13 item 7): the entry is checked with an
    unreadable amount as 0 and an unreadable date as today (its own message stands; what the service says of
    the stand-in date is dropped), and a field already reported is not reported twice."""
    if not form.lines:
        return problems
    day = parse_date(form.entry_date) or today_tokyo()
    lines = []
    for row in form.lines:
        amounts = []
        for side in ("debit", "credit"):
            try:
                amounts.append(parse_int(row[side]) or 0)
            except ValueError:
                amounts.append(0)
        match = queries_ui.match_account(choices.accounts, row["account"])
        code = match.code if match else row["account"]
        lines.append(LineDraft(
            account_code=code, debit=amounts[0], credit=amounts[1], tax_category=row["tax_category"] or None,
            sub_account=_sub_code(choices, code, row["sub_account"]) if row["sub_account"] else None,
            department=_department_code(choices, row["department"]) if row["department"] else None,
            memo=row["memo"]))
    candidate = EntryDraft(day, form.description, form.counterparty, tuple(lines))
    reported = {p.field for p in problems}
    bad_rows = {f.split(".")[0] for f in reported if f and f.startswith("lines[")}
    unreadable = any(p.key == "ledger_ui.error.amount" for p in problems)
    more = []
    for p in services.check_entry(db.uow(), actor, candidate):
        line_of = (p.field or "").split(".")[0]
        if p.field in reported or line_of in bad_rows:
            continue  # that field or row already has its message
        if unreadable and p.field in ("lines", None):
            continue  # an unreadable amount, read as 0, would make the totals' message misleading
        more.append(p)
    return problems + more


# ---------------------------------------------------------------- rendering the form


def entry_grid_context(actor: Actor, choices: Choices, form: EntryForm) -> dict[str, Any]:
    """What the line grid (``ledger/_entry_grid.html``) and ``ledger-entry.js`` need."""
    subs: dict[str, list[dict[str, str]]] = {}
    for s in choices.subs:
        subs.setdefault(s.account_code, []).append({"code": s.code, "name": s.name, "kana": s.name_kana})
    data = {
        "accounts": [{"code": a.code, "name": a.name, "kana": a.name_kana, "tax": a.default_tax_category or ""}
                     for a in choices.accounts],
        "subs": subs,
        "departments": [{"code": d.code, "name": d.name} for d in choices.departments],
    }
    taxes = [(c.code, c.name_ja if actor.language == "ja" else c.name_en) for c in TAGGED_LIST]
    return {"form": form.padded(max(MIN_ROWS, len(form.lines) + 1)), "choices": choices, "entry_data": data,
            "taxes": taxes}


def unplaced(errors: dict[str, str], general: list[str], form: EntryForm, header: set[str]) -> None:
    """Move the messages of fields the page does not show into the general list."""
    shown = header | {"lines"} | {f"lines[{i}].{f}" for i in range(len(form.lines) + 1) for f in LINE_FIELDS}
    for key in [k for k in errors if k not in shown]:
        general.append(errors.pop(key))


def _entry_page(request: Request, actor: Actor, choices: Choices, form: EntryForm, mode: str, action: str,
                status: int = 200, errors: dict[str, str] | None = None, general: list[str] | None = None,
                **extra: Any) -> Response:
    errors = dict(errors or {})
    general = list(general or [])
    unplaced(errors, general, form, {"entry_date", "description", "counterparty", "reversal_date"})
    ctx: dict[str, Any] = {"mode": mode, "action": action, "errors": errors, "general": general}
    ctx.update(entry_grid_context(actor, choices, form))
    ctx.update(extra)
    return render(request, "ledger/entry_form.html", ctx, status_code=status)


def _errors(exc: DomainError, actor: Actor) -> tuple[dict[str, str], list[str]]:
    return field_errors(exc, translator(actor))


@router.get("/input")
def entry_new(request: Request, db: DbDep, actor: ActorDep) -> Response:
    require(actor, "ledger.edit")
    q = request.query_params
    day = parse_date(q.get("date")) or calendar(db).today
    posted = None
    if parse_id(q.get("posted")) is not None:
        with db.uow() as uow:
            posted = queries.get_entry(uow.session, int(q["posted"]), actor.language)
    return _entry_page(request, actor, load_choices(db, actor.language), EntryForm(entry_date=day.isoformat()), "new",
                       "/ledger/input", posted=posted, saved_draft=parse_id(q.get("draft")))


async def _submit(request: Request, db: Database, actor: Actor, mode: str, action: str,
                  entry_id: int | None = None, **extra: Any) -> Response:
    data = await form_data(request)
    choices = load_choices(db, actor.language)
    form = read_form(data)
    which = str(data.get("action", "post"))
    draft, problems = to_draft(form, choices)
    try:
        if draft is None:
            raise Invalid(problems=whole_form_problems(db, actor, form, choices, problems))
        if mode == "correct":
            assert entry_id is not None
            reversal_date = parse_date(form.reversal_date)
            if form.reversal_date and reversal_date is None:
                raise Invalid("ledger_ui.error.date", field="reversal_date")
            _rev, new = services.correct_entry(db.uow(), actor, entry_id, draft, reversal_date)
            return RedirectResponse(f"/ledger/entries/{new.id}?done=corrected", status_code=303)
        if which == "draft":
            saved = services.save_draft(db.uow(), actor, draft, entry_id)
            return RedirectResponse(f"/ledger/drafts?saved={saved.id}", status_code=303)
        if entry_id is not None:
            services.save_draft(db.uow(), actor, draft, entry_id)
            posted = services.post_draft(db.uow(), actor, entry_id)
        else:
            posted = services.enter_entry(db.uow(), actor, draft)
        if isinstance(posted, services.SubmittedEntry):  # above the company's amount: waiting for 承認
            return RedirectResponse(f"/ledger/drafts?submitted={posted.id}", status_code=303)
        return RedirectResponse(f"/ledger/input?posted={posted.id}&date={posted.entry_date.isoformat()}",
                                status_code=303)
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        errors, general = _errors(exc, actor)
        return _entry_page(request, actor, choices, form, mode, action, status=exc.status, errors=errors,
                           general=general, entry_id=entry_id, **extra)


@router.post("/input")
async def entry_create(request: Request, db: DbDep, actor: ActorDep) -> Response:
    require(actor, "ledger.edit")
    return await _submit(request, db, actor, "new", "/ledger/input")


# ---------------------------------------------------------------- drafts


@router.get("/drafts")
def drafts(request: Request, db: DbDep, actor: ActorDep) -> Response:
    viewer(actor)
    page_no = parse_id(request.query_params.get("page")) or 1
    with db.uow() as uow:
        page = queries.search_entries(uow.session, queries.EntrySearch(status=f"draft,{services.PENDING}"),
                                      page=page_no, lang=actor.language)
    return render(request, "ledger/drafts.html", {
        "page": page, "query": {}, "saved": parse_id(request.query_params.get("saved")),
        "submitted": parse_id(request.query_params.get("submitted")),
        "deleted": request.query_params.get("deleted"), "can_edit": can(actor, "ledger.edit")})


@router.get("/drafts/{entry_id}")
def draft_edit(request: Request, entry_id: int, db: DbDep, actor: ActorDep) -> Response:
    require(actor, "ledger.edit")
    draft = services.get_draft(db.uow(), actor, entry_id)
    choices = load_choices(db, actor.language)
    form = form_of(EntryDraft(draft.entry_date, draft.description, draft.counterparty, draft.lines),
                   choices.accounts)
    return _entry_page(request, actor, choices, form, "draft", f"/ledger/drafts/{entry_id}", entry_id=entry_id)


@router.post("/drafts/{entry_id}")
async def draft_save(request: Request, entry_id: int, db: DbDep, actor: ActorDep) -> Response:
    require(actor, "ledger.edit")
    return await _submit(request, db, actor, "draft", f"/ledger/drafts/{entry_id}", entry_id)


@router.post("/drafts/{entry_id}/delete")
def draft_delete(entry_id: int, db: DbDep, actor: ActorDep) -> Response:
    services.delete_draft(db.uow(), actor, entry_id)
    return RedirectResponse("/ledger/drafts?deleted=1", status_code=303)


# ---------------------------------------------------------------- 仕訳一覧 and detail


def _search(request: Request, accounts: list[queries_ui.AccountChoice]) -> tuple[queries.EntrySearch, list[str]]:
    q = request.query_params
    bad: list[str] = []

    def amount(name: str) -> int | None:
        try:
            return parse_int(q.get(name))
        except ValueError:
            bad.append(name)
            return None

    account = queries_ui.match_account(accounts, q.get("account", "")) if q.get("account") else None
    if q.get("account") and account is None:
        bad.append("account")
    for name in ("from", "to"):
        if q.get(name) and parse_date(q.get(name)) is None:
            bad.append(name)
    status = q.get("status", "posted")
    return queries.EntrySearch(
        date_from=parse_date(q.get("from")), date_to=parse_date(q.get("to")), amount_min=amount("amount_min"),
        amount_max=amount("amount_max"), counterparty=q.get("counterparty") or None,
        account_id=account.id if account else None, text=q.get("text") or None,
        status=status if status in ("posted", "draft", services.PENDING) else None), bad


@router.get("/entries")
def entry_list(request: Request, db: DbDep, actor: ActorDep) -> Response:
    viewer(actor)
    with db.uow() as uow:
        accounts = queries_ui.account_choices(uow.session, include_inactive=True, lang=actor.language)
        search, bad = _search(request, accounts)
        page = queries.search_entries(uow.session, search, page=parse_id(request.query_params.get("page")) or 1,
                                      lang=actor.language)
    return render(request, "ledger/entries.html", {
        "page": page, "search": search, "bad": bad, "q": request.query_params, "accounts": accounts,
        "query": query_without_page(request), "can_edit": can(actor, "ledger.edit")})


@router.get("/entries/{entry_id}")
def entry_detail(request: Request, entry_id: int, db: DbDep, actor: ActorDep) -> Response:
    viewer(actor)
    with db.uow() as uow:
        entry = queries.get_entry(uow.session, entry_id, actor.language)
        if entry is None:
            raise NotFound("ledger.error.entry_not_found", field="entry_id")
        links = queries_ui.entry_links(uow.session, entry_id)
    approval = approval_panel(db, services.DOCUMENT_TYPE, entry_id) if entry.source == "manual" else None
    return detail_page(request, db, actor, entry, links, done=request.query_params.get("done"), approval=approval)


def detail_page(request: Request, db: Database, actor: Actor, entry: queries.JournalRow,
                links: queries_ui.EntryLinks, status: int = 200, **extra: Any) -> Response:
    """仕訳詳細 with its 証憑 (and, for 経理, the upload form prefilled with the entry's 電帳法 fields)."""
    t = translator(actor)
    with db.uow() as uow:  # an entry a module posted is undone in that module: say where instead of the buttons
        no_reverse, no_correct = owners.refusals(uow.session, entry.id)
    ctx: dict[str, Any] = {
        "no_reverse": t(no_reverse.key, **no_reverse.params) if no_reverse else None,
        "no_correct": t(no_correct.key, **no_correct.params) if no_correct else None,
        "evidence": evidence.entry_attachments(db.uow(), actor, entry.id), "evidence_errors": {},
        "evidence_form": {"transaction_date": entry.entry_date.isoformat(), "amount": str(entry.total),
                          "counterparty": entry.counterparty},
        "entry": entry, "links": links, "done": None, "can_edit": can(actor, "ledger.edit"),
        "can_audit": can(actor, "audit.view"), "errors": {}, "general": [], "reverse_form": {},
        "debit_total": sum(line.debit for line in entry.lines),
        "credit_total": sum(line.credit for line in entry.lines),
        "tax_names": tax_names(actor.language), "source": source_label(t, entry.source)}
    ctx.update(extra)
    return render(request, "ledger/entry_detail.html", ctx, status_code=status)


@router.get("/entries/{entry_id}/correct")
def entry_correct_form(request: Request, entry_id: int, db: DbDep, actor: ActorDep) -> Response:
    require(actor, "ledger.edit")
    choices = load_choices(db, actor.language)
    with db.uow() as uow:
        draft = queries_ui.posted_as_entered(uow.session, entry_id)
        original = queries.get_entry(uow.session, entry_id, actor.language)
        refused = owners.refusals(uow.session, entry_id)[1]
    if draft is None or original is None:
        raise NotFound("ledger.error.entry_not_found", field="entry_id")
    if refused is not None:  # no form for a 訂正 the service would refuse
        raise refused
    return _entry_page(request, actor, choices, form_of(draft, choices.accounts), "correct",
                       f"/ledger/entries/{entry_id}/correct", entry_id=entry_id, original=original)


@router.post("/entries/{entry_id}/correct")
async def entry_correct(request: Request, entry_id: int, db: DbDep, actor: ActorDep) -> Response:
    require(actor, "ledger.edit")
    with db.uow() as uow:
        original = queries.get_entry(uow.session, entry_id, actor.language)
    if original is None:
        raise NotFound("ledger.error.entry_not_found", field="entry_id")
    return await _submit(request, db, actor, "correct", f"/ledger/entries/{entry_id}/correct", entry_id,
                         original=original)


@router.post("/entries/{entry_id}/reverse")
async def entry_reverse(request: Request, entry_id: int, db: DbDep, actor: ActorDep) -> Response:
    data = await form_data(request)
    day_text = str(data.get("reversal_date", "")).strip()
    day = parse_date(day_text)
    try:
        if day_text and day is None:
            raise Invalid("ledger_ui.error.date", field="reversal_date")
        posted = services.reverse_entry(db.uow(), actor, entry_id, day, str(data.get("reason", "")).strip())
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        errors, general = _errors(exc, actor)
        general += [msg for key, msg in errors.items() if key not in ("reversal_date", "entry_date")]
        with db.uow() as uow:
            entry = queries.get_entry(uow.session, entry_id, actor.language)
            links = queries_ui.entry_links(uow.session, entry_id)
        assert entry is not None
        return detail_page(request, db, actor, entry, links, status=exc.status, errors=errors, general=general,
                            reverse_form={"reversal_date": day_text, "reason": data.get("reason", "")})
    return RedirectResponse(f"/ledger/entries/{posted.id}?done=reversed", status_code=303)

