"""Ledger reports as tables: one builder per report, used by the screens, the CLI and the API alike,
so that screen, CSV, XLSX, PDF and JSON show the same figures."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import Any

from sqlalchemy.orm import Session

from ennoshita.i18n import Translator
from ennoshita.ledger import chart
from ennoshita.ledger import queries as q
from ennoshita.tabular import Column, Table, check_rows, stream


def _range(t: Translator, date_from: dt.date | None, date_to: dt.date) -> str:
    if date_from is None:
        return t("report.as_of", date=date_to)
    return t("report.range", date_from=date_from, date_to=date_to)


def trial_balance_table(session: Session, t: Translator, date_from: dt.date, date_to: dt.date, start_month: int,
                        dim: q.Dimension = q.Dimension()) -> tuple[Table, q.TrialBalance]:
    """残高試算表 as Japanese books show it: 期首・前月残高 on the account's own side (a 売上高 or 買掛金 balance is
    positive, not a negative debit), the period's 借方 and 貸方, and the closing balance in a 借方残高 or a 貸方残高
    column. (The JSON of the CLI and the API keep ``closing`` signed debit-positive.)"""
    tb = q.trial_balance(session, date_from, date_to, start_month, dim, lang=t.lang)
    credit_normal = {a.id for a in q.accounts(session).values() if a.normal_side == "credit"}
    table = Table(t("report.trial_balance"), _range(t, date_from, date_to), [
        Column("account_code", t("report.col.code")), Column("account_name", t("report.col.account")),
        Column("opening", t("report.col.opening"), "yen"), Column("debit", t("report.col.debit"), "yen"),
        Column("credit", t("report.col.credit"), "yen"),
        Column("closing_debit", t("report.col.closing_debit"), "yen"),
        Column("closing_credit", t("report.col.closing_credit"), "yen"),
    ], filename=f"trial_balance_{date_from}_{date_to}")
    current = None
    section_credit: dict[str, bool] = {}
    sections = {s.section: s for s in tb.sections}
    for row in tb.rows:
        if current is not None and row.section != current:
            _section_row(table, t, sections[current], section_credit.get(current, False))
        current = row.section
        on_credit = row.account_id in credit_normal
        section_credit.setdefault(row.section, on_credit)
        table.add({"account_code": row.account_code, "account_name": row.account_name,
                   "opening": -row.opening if on_credit else row.opening, "debit": row.debit, "credit": row.credit,
                   **_sides(row.closing), "account_id": row.account_id})
    if current is not None:
        _section_row(table, t, sections[current], section_credit.get(current, False))
    table.add({"account_code": "", "account_name": t("report.total"), "opening": None,
               "debit": tb.total_debit, "credit": tb.total_credit,
               "closing_debit": sum(r.closing for r in tb.rows if r.closing > 0),
               "closing_credit": -sum(r.closing for r in tb.rows if r.closing < 0)}, emphasis=True)
    return table, tb


def _sides(closing: int) -> dict[str, int | None]:
    """A debit-positive balance in the 借方残高 or the 貸方残高 column (the other left empty)."""
    if closing > 0:
        return {"closing_debit": closing, "closing_credit": None}
    if closing < 0:
        return {"closing_debit": None, "closing_credit": -closing}
    return {"closing_debit": 0, "closing_credit": None}


def _section_row(table: Table, t: Translator, s: q.SectionTotal, on_credit: bool) -> None:
    table.add({"account_code": "", "account_name": t("report.section_total", section=t(f"ledger.section.{s.section}")),
               "opening": -s.opening if on_credit else s.opening, "debit": s.debit, "credit": s.credit,
               **_sides(s.closing)}, emphasis=True)


def monthly_table(session: Session, t: Translator, fiscal_year: int, start_month: int) -> Table:
    m = q.monthly(session, fiscal_year, start_month, t.lang)
    cols = [Column("account_code", t("report.col.code")), Column("account_name", t("report.col.account"))]
    cols += [Column(f"m{i}", label, "yen") for i, label in enumerate(m.months)]
    cols.append(Column("total", t("report.col.total"), "yen"))
    table = Table(t("report.monthly"), t("report.fiscal_year", year=fiscal_year), cols,
                  filename=f"monthly_{fiscal_year}")
    for row in m.rows:
        data: dict[str, object] = {"account_code": row.account_code, "account_name": row.account_name,
                                   "total": row.total, "account_id": row.account_id}
        for i, v in enumerate(row.months):
            data[f"m{i}"] = v
        table.add(data)
    return table


def income_statement_table(session: Session, t: Translator, date_from: dt.date, date_to: dt.date
                           ) -> tuple[Table, q.Statement]:
    st = q.income_statement(session, date_from, date_to, t.lang)
    return _statement_table(t, st, t("report.income_statement"), _range(t, date_from, date_to),
                            f"income_statement_{date_from}_{date_to}"), st


def balance_sheet_table(session: Session, t: Translator, as_of: dt.date, start_month: int
                        ) -> tuple[Table, q.Statement]:
    st = q.balance_sheet(session, as_of, start_month, t.lang)
    return _statement_table(t, st, t("report.balance_sheet"), _range(t, None, as_of), f"balance_sheet_{as_of}"), st


def _group_name(t: Translator, key: str) -> str:
    return t(f"ledger.section.{key}") if key in chart.SECTION_CATEGORY else t(f"ledger.group.{key}")


def statement_label(t: Translator, line: q.StatementLine) -> str:
    """The name a statement line is shown under, without its indent (the screens, files and the API alike)."""
    if line.kind == "account":
        return t("ledger.figure.current_net_income") if line.label == "current_net_income" else line.label
    if line.kind == "heading":
        return _group_name(t, line.label)
    if line.kind in ("section_total", "group_total"):
        if line.kind == "section_total" and line.label in ("sales", "income_taxes") and line.level == 0:
            return t(f"ledger.figure.{line.label}")  # the one line of a 損益計算書 section without an account
        return t("report.group_total", group=_group_name(t, line.label))
    if line.kind == "note":
        return t("ledger.figure.note_of", item=t(f"ledger.figure.{line.label}"))
    return t(f"ledger.figure.{line.label}")


def _statement_table(t: Translator, st: q.Statement, title: str, subtitle: str, filename: str) -> Table:
    """A statement as a table: each line indented by its depth (a full-width space a level), headings without an
    amount, 合計 and 段階利益 emphasised. In Japanese the amounts are a 決算書's (△ for a negative, 単位：円)."""
    ja = t.lang == "ja"
    table = Table(title, subtitle + (t("report.unit_yen") if ja else ""),
                  [Column("code", t("report.col.code")), Column("label", t("report.col.item")),
                   Column("amount", t("report.col.amount"), "yen")], filename=filename,
                  amounts="statement" if ja else "yen")
    for line in st.lines:
        label = "\u3000" * line.level + statement_label(t, line)
        if line.kind == "heading":
            table.add({"code": "", "label": label, "amount": None}, heading=True)
        elif line.kind == "account":
            table.add({"code": line.code, "label": label, "amount": line.amount})
        elif line.kind == "note":
            table.add({"code": "", "label": label, "amount": line.amount})
        else:
            table.add({"code": "", "label": label, "amount": line.amount}, emphasis=True)
    return table


def general_ledger_table(gl: q.GeneralLedger, t: Translator) -> Table:
    table = general_ledger_head(gl, t)
    for row in general_ledger_rows(gl.lines):
        table.add(row)
    return table


def general_ledger_head(gl: q.GeneralLedger, t: Translator) -> Table:
    """The 総勘定元帳 table with its opening-balance row and no lines yet (see :func:`general_ledger_rows`)."""
    table = Table(t("report.general_ledger") + f" {gl.account.code} {gl.account.name}",
                  _range(t, gl.date_from, gl.date_to), [
                      Column("entry_date", t("report.col.date"), "date"), Column("entry_no", t("report.col.entry_no")),
                      Column("counter_account", t("report.col.counter_account")),
                      Column("description", t("report.col.description")),
                      Column("sub_account", t("report.col.sub_account")),
                      Column("debit", t("report.col.debit"), "yen"), Column("credit", t("report.col.credit"), "yen"),
                      Column("balance", t("report.col.balance"), "yen")],
                  filename=general_ledger_filename(gl.account.code, gl.date_from, gl.date_to))
    table.add({"description": t("report.opening_balance"), "balance": gl.opening}, emphasis=True)
    return table


def general_ledger_rows(lines: Iterable[q.LedgerLine]) -> Iterator[dict[str, Any]]:
    for line in lines:
        yield {"entry_date": line.entry_date, "entry_no": line.entry_no, "counter_account": line.counter_account,
               "description": " ".join(x for x in (line.description, line.memo) if x),
               "sub_account": line.sub_account, "debit": line.debit or None, "credit": line.credit or None,
               "balance": line.balance, "entry_id": line.entry_id}


def journal_table(page: q.JournalPage, t: Translator, date_from: dt.date, date_to: dt.date) -> Table:
    table = journal_head(t, date_from, date_to)
    for row in journal_rows(page.rows, t):
        table.add(row)
    return table


def journal_head(t: Translator, date_from: dt.date, date_to: dt.date) -> Table:
    """The 仕訳帳 table with no rows yet (see :func:`journal_rows`)."""
    return Table(t("report.journal"), _range(t, date_from, date_to), [
        Column("entry_date", t("report.col.date"), "date"), Column("entry_no", t("report.col.entry_no")),
        Column("debit_account", t("report.col.debit_account")), Column("debit", t("report.col.debit"), "yen"),
        Column("credit_account", t("report.col.credit_account")), Column("credit", t("report.col.credit"), "yen"),
        Column("description", t("report.col.description"))], filename=journal_filename(date_from, date_to))


def journal_rows(entries: Iterable[q.JournalRow], t: Translator) -> Iterator[dict[str, Any]]:
    """One row per line of each entry (date, number and description on its first line); an account and its
    補助科目 joined by the reader's separator (text.sep: ／ or " / ")."""
    sep = t("text.sep")
    for row in entries:
        for i, line in enumerate(row.lines):
            account = line.account_name + (f"{sep}{line.sub_account}" if line.sub_account else "")
            yield {"entry_date": row.entry_date if i == 0 else None, "entry_no": row.entry_no if i == 0 else "",
                   "debit_account": account if line.debit else "", "debit": line.debit or None,
                   "credit_account": account if line.credit else "", "credit": line.credit or None,
                   "description": (row.description if i == 0 else "") + (f" {line.memo}" if line.memo else ""),
                   "entry_id": row.id}


# ---------------------------------------------------------------- long reports as whole files
#
# A file of the 仕訳帳 or 総勘定元帳 always covers the whole range, never one page: CSV and JSON stream every
# row (:func:`journal_chunks`, :func:`general_ledger_chunks`, run inside the transaction they read); XLSX and
# PDF are built whole in memory after :func:`ennoshita.tabular.check_rows` allowed their length.


def journal_filename(date_from: dt.date, date_to: dt.date) -> str:
    return f"journal_{date_from}_{date_to}"


def general_ledger_filename(account_code: str, date_from: dt.date, date_to: dt.date) -> str:
    return f"general_ledger_{account_code}_{date_from}_{date_to}"


def journal_chunks(session: Session, t: Translator, date_from: dt.date, date_to: dt.date, fmt: str
                   ) -> Iterator[bytes]:
    chunks, _, _ = stream(journal_head(t, date_from, date_to), fmt,
                          journal_rows(q.iter_journal(session, date_from, date_to, lang=t.lang), t))
    return chunks


def journal_file_table(session: Session, t: Translator, date_from: dt.date, date_to: dt.date, fmt: str) -> Table:
    """The whole 仕訳帳 of the range as a table for XLSX or PDF; refused (422) above the format's row limit."""
    check_rows(fmt, q.journal_line_count(session, date_from, date_to))
    table = journal_head(t, date_from, date_to)
    for row in journal_rows(q.iter_journal(session, date_from, date_to, lang=t.lang), t):
        table.add(row)
    return table


def general_ledger_summary(session: Session, account_id: int, date_from: dt.date, date_to: dt.date,
                           start_month: int, dim: q.Dimension, lang: str = "ja") -> q.GeneralLedger:
    """The ledger's account, opening, totals and line count, without its lines."""
    gl = q.general_ledger(session, account_id, date_from, date_to, start_month, dim, page=1, per_page=1,
                          lang=lang)
    return replace(gl, lines=[], per_page=max(1, gl.total))


def general_ledger_chunks(session: Session, t: Translator, account_id: int, date_from: dt.date, date_to: dt.date,
                          start_month: int, dim: q.Dimension, fmt: str) -> Iterator[bytes]:
    gl = general_ledger_summary(session, account_id, date_from, date_to, start_month, dim, t.lang)
    chunks, _, _ = stream(general_ledger_head(gl, t), fmt, general_ledger_rows(
        q.iter_general_ledger(session, account_id, date_from, date_to, start_month, dim, lang=t.lang)))
    return chunks


def general_ledger_file_table(session: Session, t: Translator, account_id: int, date_from: dt.date,
                              date_to: dt.date, start_month: int, dim: q.Dimension, fmt: str) -> Table:
    """The whole 総勘定元帳 of the range for XLSX or PDF; refused (422) above the format's row limit."""
    gl = general_ledger_summary(session, account_id, date_from, date_to, start_month, dim, t.lang)
    check_rows(fmt, gl.total + 1)  # the lines and the opening balance
    table = general_ledger_head(gl, t)
    for row in general_ledger_rows(q.iter_general_ledger(session, account_id, date_from, date_to, start_month,
                                                         dim, lang=t.lang)):
        table.add(row)
    return table


def _tax_name(t: Translator, code: str) -> str:
    """A 税区分's name: the catalog's for a plain code, the category table's for one tagged with its 用途区分 or
    事業区分 (``purchase_10:taxable``, ``sales_10:t2``: no catalog key of their own)."""
    from ennoshita.ledger.taxes import CATEGORIES

    cat = CATEGORIES.get(code)
    if cat is not None and cat.base:
        return cat.name_ja if t.lang == "ja" else cat.name_en
    return t(f"tax.{code}")


def tax_summary_table(session: Session, t: Translator, date_from: dt.date, date_to: dt.date) -> Table:
    table = Table(t("report.tax_summary"), _range(t, date_from, date_to), [
        Column("tax_category", t("report.col.tax_category")), Column("account_code", t("report.col.code")),
        Column("account_name", t("report.col.account")), Column("debit", t("report.col.debit"), "yen"),
        Column("credit", t("report.col.credit"), "yen"), Column("net", t("report.col.net"), "yen")],
        filename=f"tax_summary_{date_from}_{date_to}")
    current = None
    subtotal = [0, 0]
    for row in q.tax_summary(session, date_from, date_to, t.lang):
        if current is not None and row.tax_category != current:
            table.add({"tax_category": _tax_name(t, current), "account_name": t("report.subtotal"),
                       "debit": subtotal[0], "credit": subtotal[1], "net": subtotal[0] - subtotal[1]}, emphasis=True)
            subtotal = [0, 0]
        current = row.tax_category
        subtotal[0] += row.debit
        subtotal[1] += row.credit
        table.add({"tax_category": _tax_name(t, row.tax_category), "account_code": row.account_code,
                   "account_name": row.account_name, "debit": row.debit, "credit": row.credit,
                   "net": row.debit - row.credit})
    if current is not None:
        table.add({"tax_category": _tax_name(t, current), "account_name": t("report.subtotal"),
                   "debit": subtotal[0], "credit": subtotal[1], "net": subtotal[0] - subtotal[1]}, emphasis=True)
    return table


def _calculation_name(t: Translator, name: str) -> str:
    """``principle`` / ``single:N`` / ``pair:N+M`` (:class:`ennoshita.ledger.ctax_rules.SimplifiedCredit`)."""
    if name.startswith("single:"):
        return t("ctax.simplified.single", type=t(f"ctax.business_type.{name[7:]}"))
    if name.startswith("pair:"):
        hi, lo = name[5:].split("+")
        return t("ctax.simplified.pair", high=t(f"ctax.business_type.{hi}"), low=t(f"ctax.business_type.{lo}"))
    return t("ctax.simplified.principle")


def _simplified_rows(t: Translator, table: Table, credit: Any) -> None:
    for line in credit.types:
        name = t(f"ctax.business_type.{line.business_type}")
        table.add({"item": t("ctax.simplified.type_sales", type=name), "amount": line.sales,
                   "note": t("ctax.simplified.share", share=f"{float(line.share) * 100:.1f}")})
        for rate, tax in line.tax_by_rate:
            table.add({"item": t("ctax.simplified.type_tax", type=name, rate=rate), "amount": tax})
    for name, amount in credit.candidates:
        table.add({"item": _calculation_name(t, name), "amount": amount,
                   "note": t("ctax.simplified.chosen") if name == credit.chosen else ""})


def consumption_tax_table(t: Translator, ret: Any, fiscal_year: int) -> Table:
    """The 消費税 return figures (:class:`ennoshita.ledger.ctax_rules.Return`) as one table: per rate, then
    the totals, the 課税売上割合, the credit and the tax due."""
    table = Table(t("ctax.title"), t("report.fiscal_year", year=fiscal_year), [
        Column("item", t("ctax.col.item")), Column("amount", t("ctax.col.amount"), "yen"),
        Column("note", t("ctax.col.note"))], filename=f"consumption_tax_{fiscal_year}")
    s = ret.settings
    table.add({"item": t("ctax.method"), "note": t(f"ctax.method.{s.method}")
               + (t("ctax.simplified_type", type=s.simplified_type) if s.method == "simplified" else "")})
    for r in ret.rates:
        table.add({"item": t("ctax.sales_gross", rate=r.rate), "amount": r.sales_gross})
        table.add({"item": t("ctax.taxable_base_rate", rate=r.rate), "amount": r.taxable_base,
                   "note": t("ctax.note.thousand")})
        table.add({"item": t("ctax.national_tax_rate", rate=r.rate), "amount": r.national_tax,
                   "note": t("ctax.note.national_rate", rate="7.8" if r.rate == 10 else "6.24")})
    table.add({"item": t("ctax.taxable_base"), "amount": ret.taxable_base}, emphasis=True)
    table.add({"item": t("ctax.output_tax"), "amount": ret.output_tax,
               "note": t(f"ctax.calc.{s.output_calc}")}, emphasis=True)
    table.add({"item": t("ctax.taxable_sales"), "amount": ret.taxable_sales})
    table.add({"item": t("ctax.export_sales"), "amount": ret.export_sales})
    table.add({"item": t("ctax.non_taxable_sales"), "amount": ret.non_taxable_sales})
    # 課税売上割合 as the 付表2-3 shows it: the percentage truncated (never shown as 95.00% when it is under 95%),
    # with the yen amounts it comes from rather than the reduced fraction
    numerator = ret.taxable_sales + ret.export_sales
    denominator = numerator + ret.non_taxable_sales
    hundredths = ret.ratio.numerator * 10000 // ret.ratio.denominator
    table.add({"item": t("ctax.ratio"),
               "note": f"{hundredths // 100}.{hundredths % 100:02d}% ({numerator:,} / {denominator:,})"})
    table.add({"item": t("ctax.input_tax"), "amount": ret.input_tax, "note": t(f"ctax.calc.{s.input_calc}")})
    if s.method == "general":  # 付表2-3: the input tax by 用途区分 and the credit under each method
        table.add({"item": t("ctax.input_tax_taxable"), "amount": ret.input_tax_taxable})
        table.add({"item": t("ctax.input_tax_non_taxable"), "amount": ret.input_tax_non_taxable})
        table.add({"item": t("ctax.input_tax_common"), "amount": ret.input_tax_common})
        table.add({"item": t("ctax.deductible_individual"), "amount": ret.deductible_individual,
                   "note": t("ctax.credit.individual")})
        table.add({"item": t("ctax.deductible_lump_sum"), "amount": ret.deductible_lump_sum,
                   "note": t("ctax.credit.lump_sum")})
    if s.method == "simplified" and ret.simplified is not None:  # 付表4-3 / 5-3: by 事業区分, every calculation
        _simplified_rows(t, table, ret.simplified)
    if s.method == "general":
        basis = t("ctax.full_credit") if ret.full_credit else t(f"ctax.credit.{s.credit_method}")
    elif s.method == "simplified" and ret.simplified is not None:
        basis = _calculation_name(t, ret.simplified.chosen)
    else:
        basis = t(f"ctax.method.{s.method}")
    table.add({"item": t("ctax.deductible"), "amount": ret.deductible, "note": basis}, emphasis=True)
    if ret.national_due >= 0:
        table.add({"item": t("ctax.national_due"), "amount": ret.national_due, "note": t("ctax.note.hundred")},
                  emphasis=True)
        table.add({"item": t("ctax.local_due"), "amount": ret.local_due, "note": t("ctax.note.local")},
                  emphasis=True)
        table.add({"item": t("ctax.total_due"), "amount": ret.total_due}, emphasis=True)
    else:
        table.add({"item": t("ctax.national_refund"), "amount": -ret.national_due}, emphasis=True)
        table.add({"item": t("ctax.local_refund"), "amount": -ret.local_due, "note": t("ctax.note.local_refund")},
                  emphasis=True)
        table.add({"item": t("ctax.total_refund"), "amount": -ret.total_due}, emphasis=True)
    if ret.interim_national or ret.interim_local:  # 中間申告: ⑩ and ⑳ deducted, every scheduled period (法44条)
        count = ret.interim_count
        unpaid = t("text.list_sep").join(str(n) for n in ret.interim_unpaid)
        note = (t("ctax.note.interim_unpaid", count=count, numbers=unpaid)
                if ret.interim_unpaid else t("ctax.note.interim_paid", count=count))
        table.add({"item": t("ctax.interim_national"), "amount": ret.interim_national, "note": note})
        national = ret.national_payable
        table.add({"item": t("ctax.national_payable" if national >= 0 else "ctax.national_payable_refund"),
                   "amount": abs(national)}, emphasis=True)
        table.add({"item": t("ctax.interim_local"), "amount": ret.interim_local})
        local = ret.local_payable
        table.add({"item": t("ctax.local_payable" if local >= 0 else "ctax.local_payable_refund"),
                   "amount": abs(local)}, emphasis=True)
        total = ret.payable_total
        table.add({"item": t("ctax.payable_total" if total >= 0 else "ctax.payable_total_refund"),
                   "amount": abs(total)}, emphasis=True)
    return table


def interim_table(t: Translator, schedule: Any) -> Table:
    """The year's 中間申告 (:class:`ennoshita.ledger.ctax_interim.InterimSchedule`): per period its dates, amounts,
    納期限 and 納付済 / 未納付."""
    table = Table(t("ctax.interim.title", year=schedule.fiscal_year), "", [
        Column("number", t("ctax.interim.col.number")), Column("start", t("ctax.interim.col.period"), "date"),
        Column("end", "", "date"), Column("due", t("ctax.interim.col.due"), "date"),
        Column("national", t("ctax.interim.col.national"), "yen"), Column("local", t("ctax.interim.col.local"), "yen"),
        Column("total", t("ctax.interim.col.total"), "yen"), Column("status", t("ctax.interim.col.status"))],
        filename=f"consumption_tax_interim_{schedule.fiscal_year}")
    for p in schedule.periods:
        status = (t("ctax.interim.paid", date=p.paid_date, entry=p.entry_no or "") if p.paid_date
                  else t("ctax.interim.unpaid"))
        table.add({"number": t("ctax.interim.number", number=p.number), "start": p.start, "end": p.end,
                   "due": p.due, "national": p.national, "local": p.local, "total": p.total, "status": status})
    if schedule.periods:
        table.add({"number": t("ctax.interim.total"), "national": schedule.national, "local": schedule.local,
                   "total": schedule.national + schedule.local}, emphasis=True)
    return table
