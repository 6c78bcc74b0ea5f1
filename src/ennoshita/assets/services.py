"""総務 use cases for the 固定資産台帳: register an asset, preview and post a depreciation run (monthly or yearly),
dispose of an asset (除却 / 売却). Each is one transaction with its audit record; role checks here
(``general_affairs.view`` to read, ``general_affairs.edit`` to change). The 取消 of a run or of a disposal is
in :mod:`ennoshita.assets.undo`.

A run posts one journal entry dated the last day of its period: 減価償却費 (6410) against 減価償却累計額 (1570)
when the company keeps the indirect style, or against each asset's own account in the direct style and for a
無形固定資産 (ソフトウェア ...: always direct, 財務諸表等規則第30条), the expense
split by 部門 (each asset's department, matched to the ledger's 部門 by code or name; none when it matches none),
the balance-sheet side without 部門; 一括償却資産
and 少額減価償却資産 are always written off directly; items under ¥100,000 were expensed when bought (消耗品費) and
are registered at a book value of ¥0, for 備品管理 only.
A disposal takes the book value after the last posted run (the disposal year's months not yet run are not
charged: for a 法人 the charge of that year is optional).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select, text
from sqlalchemy.orm import Session

from ennoshita import audit
from ennoshita.actor import Actor
from ennoshita.assets import rules, tables
from ennoshita.assets.models import DepreciationRun, FixedAsset
from ennoshita.bulk import insert_rows, reserve_ids
from ennoshita.dates import now_utc
from ennoshita.db import UnitOfWork
from ennoshita.errors import Conflict, Invalid, NotFound, Problem
from ennoshita.identity.models import Company
from ennoshita.identity.roles import require
from ennoshita.ledger import DepartmentLookup, EntryDraft, LineDraft, PostingBatch, chart
from ennoshita.ledger.posting import closed_years, date_problems, locked_periods
from ennoshita.ledger.taxes import CATEGORIES, split_inclusive
from ennoshita.money import Rounding

ACCUMULATED = "1570"  # 減価償却累計額
DEPRECIATION = "6410"  # 減価償却費
SUPPLIES = chart.CODE_SUPPLIES  # 消耗品費
GAIN = "8110"
LOSS_SALE = "8210"
LOSS_RETIRE = "8220"
DIRECT_METHODS = rules.DIRECT_METHODS


@dataclass(frozen=True)
class NewAsset:
    name: str
    kind_code: str
    acquired_on: dt.date
    cost: int
    method: str = rules.DECLINING  # straight / declining / lump_sum / sme_small / expensed
    life: int | None = None  # default: the kind's 耐用年数
    quantity: int = 1
    department: str = ""
    location: str = ""
    municipality: str = ""
    supplier: str = ""
    supplier_bill_id: int | None = None
    note: str = ""
    # an asset taken over from an earlier register: its 償却累計額 through the month ``depreciated_through``
    accumulated: int = 0
    depreciated_through: dt.date | None = None


@dataclass(frozen=True)
class AssetView:
    id: int
    number: str
    name: str
    kind_code: str
    kind_name: str
    family: str
    account_code: str
    life: int
    method: str
    acquired_on: dt.date
    cost: int
    accumulated: int
    book_value: int
    department: str
    location: str
    municipality: str
    supplier: str
    status: str
    disposed_on: dt.date | None
    disposal_kind: str | None
    proceeds: int | None
    disposal_gain: int | None
    last_run_month: dt.date | None

    def kind_label(self, lang: str) -> str:
        """The 耐用年数表's name of the asset's kind in ``lang`` (``kind_name`` is the Japanese one)."""
        kind = tables.KIND_BY_CODE.get(self.kind_code)
        return kind.name_en if kind is not None and lang == "en" else self.kind_name


def _view(a: FixedAsset) -> AssetView:
    kind = tables.KIND_BY_CODE.get(a.kind_code)
    return AssetView(a.id, a.number, a.name, a.kind_code, kind.name if kind else a.kind_code, a.family, a.account_code,
                     a.life, a.method, a.acquired_on, a.cost, a.accumulated, a.cost - a.accumulated, a.department,
                     a.location, a.municipality, a.supplier, a.status, a.disposed_on, a.disposal_kind, a.proceeds,
                     a.disposal_gain, a.last_run_month)


def company(s: Session) -> Company:
    c = s.get(Company, 1)
    if c is None:
        raise NotFound("company.error.not_set_up")
    return c


def schedule_of(a: FixedAsset, start_month: int, until: dt.date | None = None) -> list[rules.ScheduleYear]:
    return rules.schedule(a.cost, a.life, a.method, a.acquired_on, start_month, a.family, until=until)


def register(uow: UnitOfWork, actor: Actor, cmd: NewAsset) -> AssetView:
    """Add an asset to the register; refuses a life not in the table, a cost of ¥0, a treatment the law does not
    allow for its cost and date, and a 少額減価償却資産 over the year's ¥3,000,000."""
    require(actor, "general_affairs.edit")
    with uow:
        s = uow.session
        c = company(s)
        problems: list[Problem] = []
        kind = tables.KIND_BY_CODE.get(cmd.kind_code)
        if not cmd.name.strip():
            problems.append(Problem("assets.error.name", "name"))
        if kind is None:
            problems.append(Problem("assets.error.kind", "kind_code", {"kind": cmd.kind_code}))
        if cmd.cost <= 0:
            problems.append(Problem("assets.error.cost", "cost"))
        if cmd.quantity <= 0:
            problems.append(Problem("assets.error.quantity", "quantity"))
        if cmd.accumulated < 0 or (cmd.cost > 0 and cmd.accumulated > cmd.cost) or (
                cmd.accumulated and cmd.depreciated_through is None):
            problems.append(Problem("assets.error.accumulated", "accumulated"))
        if problems or kind is None:
            raise Invalid(problems=problems)
        unit_cost = -(-cmd.cost // cmd.quantity)  # the 取得価額 test is per unit (通常1単位)
        allowed = rules.allowed_treatments(unit_cost, cmd.acquired_on, c.sme)
        method = cmd.method
        if method not in allowed and not (method in (rules.DECLINING_200, rules.DECLINING_250) and
                                          rules.DECLINING in allowed):
            raise Invalid("assets.error.treatment", field="method", method=method, allowed=", ".join(allowed))
        life = kind.life if cmd.life is None else cmd.life
        if method in DIRECT_METHODS:
            life = 0
        else:
            rules.check_life(life)
            method = rules.resolve_method(method, cmd.acquired_on, kind.family)
        if method == rules.SME_SMALL:
            start, end = rules.fiscal_year(cmd.acquired_on, c.fiscal_year_start_month)
            used = s.scalar(select(func.coalesce(func.sum(FixedAsset.cost), 0)).where(
                FixedAsset.method == rules.SME_SMALL, FixedAsset.acquired_on >= start,
                FixedAsset.acquired_on <= end)) or 0
            rules.check_sme_cap(int(used), cmd.cost, cmd.acquired_on)
        asset = FixedAsset(number="", name=cmd.name.strip(), kind_code=kind.code, family=kind.family,
                           account_code=kind.account_code, declared_class=kind.declared_class, life=life,
                           method=method, acquired_on=cmd.acquired_on, cost=cmd.cost, quantity=cmd.quantity,
                           department=cmd.department.strip(), location=cmd.location.strip(),
                           municipality=cmd.municipality.strip(), supplier=cmd.supplier.strip(),
                           supplier_bill_id=cmd.supplier_bill_id, note=cmd.note, status="active",
                           accumulated=cmd.accumulated,
                           last_run_month=cmd.depreciated_through.replace(day=1) if cmd.depreciated_through else None,
                           created_at=now_utc())
        if method == rules.EXPENSED:
            # under ¥100,000: the purchase itself was expensed (消耗品費); the register only keeps it for 備品管理
            asset.declared_class = None
            asset.accumulated, asset.last_run_month = cmd.cost, cmd.acquired_on.replace(day=1)
        if method == rules.LUMP_SUM:
            asset.declared_class = None  # 一括償却資産 are not declared for 償却資産税
        s.add(asset)
        s.flush()
        asset.number = f"FA-{asset.id:06d}"
        audit.record(s, actor, "fixed_asset", asset.id, "register",
                     after={"number": asset.number, "name": asset.name, "cost": asset.cost, "method": method,
                            "life": life, "acquired_on": asset.acquired_on.isoformat()})
        view = _view(asset)
        uow.commit()
        return view


def get_asset(uow: UnitOfWork, actor: Actor, asset_id: int) -> AssetView:
    require(actor, "general_affairs.view")
    with uow:
        a = uow.session.get(FixedAsset, asset_id)
        if a is None:
            raise NotFound("assets.error.not_found", id=asset_id)
        return _view(a)


def asset_schedule(uow: UnitOfWork, actor: Actor, asset_id: int) -> tuple[AssetView, list[rules.ScheduleYear]]:
    require(actor, "general_affairs.view")
    with uow:
        s = uow.session
        a = s.get(FixedAsset, asset_id)
        if a is None:
            raise NotFound("assets.error.not_found", id=asset_id)
        return _view(a), schedule_of(a, company(s).fiscal_year_start_month)


# Depreciation runs ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RunLine:
    asset_id: int
    number: str
    name: str
    department: str
    debit_account: str
    credit_account: str
    amount: int


@dataclass(frozen=True)
class RunPreview:
    kind: str
    period_start: dt.date
    period_end: dt.date
    lines: tuple[RunLine, ...]
    total: int
    posted_run_id: int | None = None
    journal_entry_id: int | None = None


def _months(start: dt.date, end: dt.date) -> list[dt.date]:
    out = []
    m = start.replace(day=1)
    while m <= end:
        out.append(m)
        m = rules.add_months(m, 1)
    return out


def _period(s: Session, kind: str, day: dt.date) -> tuple[dt.date, dt.date]:
    if kind == "monthly":
        start = day.replace(day=1)
        return start, rules.add_months(start, 1) - dt.timedelta(days=1)
    if kind == "yearly":
        return rules.fiscal_year(day, company(s).fiscal_year_start_month)
    raise Invalid("assets.error.run_kind", field="kind", kind=kind)


def _compute(s: Session, kind: str, start: dt.date, end: dt.date) -> RunPreview:
    c = company(s)
    indirect = c.depreciation_style != "direct"
    fa = FixedAsset
    rows = s.execute(select(fa.id, fa.number, fa.name, fa.department, fa.cost, fa.life, fa.method, fa.acquired_on,
                            fa.family, fa.account_code, fa.accumulated, fa.last_run_month)
                     .where(or_(fa.status == "active", and_(fa.status == "disposed", fa.method == rules.LUMP_SUM)),
                            fa.acquired_on <= end).order_by(fa.id))
    lines: list[RunLine] = []
    cache: dict[tuple[int, int, str, dt.date, str], list[rules.ScheduleYear]] = {}
    start_month = c.fiscal_year_start_month
    year_start = rules.fiscal_year(end, start_month)[0]
    for (asset_id, number, name, department, cost, life, method, acquired, family, account_code, accumulated,
         last_run) in rows:
        # every month of this fiscal year not yet run for the asset, up to the run's end: an asset entered after
        # its first month was run, or a month no run was posted for, is caught up here rather than lost (never a
        # month of an earlier year: that year's books are its own)
        first = acquired.replace(day=1) if last_run is None else rules.add_months(last_run, 1)
        todo = _months(max(first, year_start), end)
        if not todo:
            continue
        key = (cost, life, method, acquired.replace(day=1), family)
        years = cache.get(key)
        if years is None:
            years = rules.schedule(cost, life, method, key[3], start_month, family, until=end)
            cache[key] = years
        amount = sum(rules.month_amount(years, m)[0] for m in todo)
        amount = min(amount, cost - accumulated - rules.residual_value(method, family))
        if amount <= 0:
            continue
        debit = SUPPLIES if method == rules.EXPENSED else DEPRECIATION
        credit = ACCUMULATED if rules.against_accumulated(indirect, method, family) else account_code
        lines.append(RunLine(asset_id, number, name, department, debit, credit, amount))
    return RunPreview(kind, start, end, tuple(lines), sum(line.amount for line in lines))


def preview_run(uow: UnitOfWork, actor: Actor, kind: str, day: dt.date) -> RunPreview:
    """What a run for the month (or fiscal year) holding ``day`` would post, without posting it."""
    require(actor, "general_affairs.view")
    with uow:
        s = uow.session
        start, end = _period(s, kind, day)
        return _compute(s, kind, start, end)


def post_run(uow: UnitOfWork, actor: Actor, kind: str, day: dt.date) -> RunPreview:
    """Post the run for the month (or fiscal year) holding ``day``: one journal entry, one line per asset in the
    register, every asset's 償却累計額 moved on. Refuses a locked month, a closed year, a period already run."""
    require(actor, "general_affairs.edit")
    with uow:
        s = uow.session
        c = company(s)
        start, end = _period(s, kind, day)
        locked, closed = locked_periods(s), closed_years(s)
        problems = [p for m in _months(start, end)
                    for p in date_problems(rules.add_months(m, 1) - dt.timedelta(days=1), c.fiscal_year_start_month,
                                           locked, closed, field="period")]
        if problems:
            raise Invalid(problems=problems[:1])
        if s.scalar(select(DepreciationRun.id).where(DepreciationRun.status == "posted",
                                                     DepreciationRun.period_start >= start,
                                                     DepreciationRun.period_start <= end).limit(1)) is not None:
            raise Conflict("assets.error.run_exists", field="period", start=start)
        preview = _compute(s, kind, start, end)
        entry_id: int | None = None
        if preview.lines:
            # the expense by 部門 (each asset's department), the balance-sheet side by account without 部門
            departments = DepartmentLookup.load(s)
            debits: dict[tuple[str, str], int] = defaultdict(int)
            credits: dict[str, int] = defaultdict(int)
            for line in preview.lines:
                debits[(line.debit_account, departments.code_of(line.department) or "")] += line.amount
                credits[line.credit_account] += line.amount
            drafts = [LineDraft(acc, amt, 0, tax_category="out_of_scope", department=dep or None)
                      for (acc, dep), amt in sorted(debits.items())]
            drafts += [LineDraft(acc, 0, amt, tax_category="out_of_scope") for acc, amt in sorted(credits.items())]
            label = f"{start:%Y-%m}" if kind == "monthly" else f"{start:%Y-%m}〜{end:%Y-%m}"
            posted = PostingBatch(s).post(actor, EntryDraft(end, f"減価償却費 {label}", "", tuple(drafts)),
                                          source="depreciation", source_ref=f"{kind}:{start.isoformat()}")
            entry_id = posted.id
        run = DepreciationRun(kind=kind, period_start=start, period_end=end,
                              style=c.depreciation_style, total=preview.total, asset_count=len(preview.lines),
                              journal_entry_id=entry_id, posted_by=actor.user_id, posted_at=now_utc())
        s.add(run)
        s.flush()
        if preview.lines:
            ids = reserve_ids(s, "depreciation_lines", len(preview.lines))
            insert_rows(s, "depreciation_lines", ("id", "run_id", "asset_id", "amount"),
                        [(i, run.id, line.asset_id, line.amount) for i, line in zip(ids, preview.lines, strict=True)])
        # the assets the run moves on, each with its last month before the run: what the run's 取消 puts back
        s.execute(text(
            "INSERT INTO depreciation_run_assets (run_id, asset_id, prev_month) "
            "SELECT :run, id, last_run_month FROM fixed_assets "
            "WHERE (status = 'active' OR (status = 'disposed' AND method = :lump)) AND acquired_on <= :end"),
            {"run": run.id, "end": end, "lump": rules.LUMP_SUM})
        # one pass over the register: every asset's 累計額 from this run's own lines, and its last month moved on
        # (assets with nothing left this period too)
        s.execute(text(
            "UPDATE fixed_assets SET last_run_month = :month, accumulated = fixed_assets.accumulated + COALESCE("
            "(SELECT l.amount FROM depreciation_lines AS l WHERE l.asset_id = fixed_assets.id AND l.run_id = :run), 0) "
            "WHERE (status = 'active' OR (status = 'disposed' AND method = :lump)) AND acquired_on <= :end"),
            {"run": run.id, "month": end.replace(day=1), "end": end, "lump": rules.LUMP_SUM})
        audit.record(s, actor, "depreciation_run", run.id, "post",
                     after={"kind": kind, "start": start.isoformat(), "end": end.isoformat(), "total": preview.total,
                            "assets": len(preview.lines), "journal_entry_id": entry_id})
        result = RunPreview(kind, start, end, preview.lines, preview.total, run.id, entry_id)
        uow.commit()
        return result


# Disposal ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Disposal:
    asset_id: int
    day: dt.date
    kind: str  # sale (売却) / retire (除却)
    proceeds: int = 0
    proceeds_account: str = chart.CODE_ORDINARY_DEPOSIT


def sale_tax(gross: int, c: Company) -> int:
    """The 仮受消費税 in a 税込 sale price at 10%, by the ledger's own split rule and the company's rounding."""
    return split_inclusive(gross, CATEGORIES["sales_10"], Rounding(c.tax_rounding))[1]


def dispose(uow: UnitOfWork, actor: Actor, cmd: Disposal) -> AssetView:
    """Take an asset off the register and post the gain or loss (売却益 / 売却損 / 除却損)."""
    require(actor, "general_affairs.edit")
    with uow:
        s = uow.session
        c = company(s)
        a = s.get(FixedAsset, cmd.asset_id)
        if a is None:
            raise NotFound("assets.error.not_found", id=cmd.asset_id)
        if a.status != "active":
            raise Conflict("assets.error.disposed", field="asset_id", number=a.number)
        if cmd.kind not in ("sale", "retire"):
            raise Invalid("assets.error.disposal_kind", field="kind")
        if cmd.day < a.acquired_on:
            raise Invalid("assets.error.disposal_before_acquisition", field="day",
                          acquired=a.acquired_on)
        if cmd.kind == "retire" and cmd.proceeds:
            raise Invalid("assets.error.retire_proceeds", field="proceeds")
        problems = date_problems(cmd.day, c.fiscal_year_start_month, locked_periods(s), closed_years(s), field="day")
        if problems:
            raise Invalid(problems=problems)
        result = rules.disposal(a.cost - a.accumulated, cmd.proceeds)
        indirect = rules.against_accumulated(c.depreciation_style != "direct", a.method, a.family)
        dep = DepartmentLookup.load(s).code_of(a.department)  # the 売却益 / 売却損 / 除却損 go to the asset's 部門
        lines: list[LineDraft] = []
        if a.method == rules.LUMP_SUM:
            # 一括償却資産: the thirds go on being charged for the three years even after one is retired or sold
            # (法人税基本通達7-1-13), so nothing is written off here; a sale's proceeds are all 売却益 (課税売上)
            if cmd.proceeds:
                lines += [LineDraft(cmd.proceeds_account, cmd.proceeds, 0, tax_category="out_of_scope"),
                          LineDraft(GAIN, 0, cmd.proceeds, tax_category="sales_10", department=dep)]
            result = rules.disposal(0, cmd.proceeds - (sale_tax(cmd.proceeds, c)
                                                       if c.tax_accounting == "exclusive" else 0))
        elif indirect and a.accumulated:
            lines.append(LineDraft(ACCUMULATED, a.accumulated, 0, tax_category="out_of_scope"))
        if cmd.proceeds and a.method != rules.LUMP_SUM:
            # the sale of a business asset is a 課税売上 (消費税法2条①八, 4条①): the proceeds (税込) go to 売却益 as
            # 課税売上10%, which the ledger splits into 仮受消費税 under 税抜経理 by the one split rule, and the
            # book value is then taken off 売却益 (a loss beyond the net proceeds goes to 売却損)
            lines.append(LineDraft(cmd.proceeds_account, cmd.proceeds, 0, tax_category="out_of_scope"))
            lines.append(LineDraft(GAIN, 0, cmd.proceeds, tax_category="sales_10", department=dep))
            net = cmd.proceeds - (sale_tax(cmd.proceeds, c) if c.tax_accounting == "exclusive" else 0)
            result = rules.disposal(a.cost - a.accumulated, net)
            if min(result.book_value, net):
                lines.append(LineDraft(GAIN, min(result.book_value, net), 0, tax_category="out_of_scope",
                                       department=dep))
            if result.gain < 0:
                lines.append(LineDraft(LOSS_SALE, -result.gain, 0, tax_category="out_of_scope", department=dep))
        elif result.gain < 0 and a.method != rules.LUMP_SUM:
            lines.append(LineDraft(LOSS_SALE if cmd.kind == "sale" else LOSS_RETIRE, -result.gain, 0,
                                   tax_category="out_of_scope", department=dep))
        credit_asset = 0 if a.method == rules.LUMP_SUM else a.cost if indirect else a.cost - a.accumulated
        if credit_asset:
            lines.append(LineDraft(a.account_code, 0, credit_asset, tax_category="out_of_scope"))
        entry_id = None
        if len(lines) >= 2:
            word = "売却" if cmd.kind == "sale" else "除却"
            entry_id = PostingBatch(s).post(actor, EntryDraft(cmd.day, f"固定資産{word} {a.number} {a.name}", "",
                                                              tuple(lines)),
                                            source="fixed_asset", source_ref=a.number).id
        a.status, a.disposed_on, a.disposal_kind = "disposed", cmd.day, cmd.kind
        a.proceeds, a.disposal_gain, a.disposal_entry_id = cmd.proceeds, result.gain, entry_id
        audit.record(s, actor, "fixed_asset", a.id, "dispose",
                     after={"kind": cmd.kind, "day": cmd.day.isoformat(), "proceeds": cmd.proceeds,
                            "book_value": result.book_value, "gain": result.gain, "journal_entry_id": entry_id})
        view = _view(a)
        uow.commit()
        return view
