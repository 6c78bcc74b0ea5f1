"""Sales benchmarks: the 締め請求 run for 10,000 customers with 200,000 unbilled deliveries (postings
included), PDF throughput on one core, and matching 10,000 bank lines against 100,000 open invoices.

Targets (issue #4): billing run under 60 s including postings; PDFs at least 10 per second per core;
matching under 5 s, without comparing every deposit with every invoice.

Run: ``python -m bench sales`` (both databases) or ``python -m bench.sales sqlite``.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import time
import tracemalloc

from sqlalchemy import func, select, text

from bench.common import fresh_database, machine, write_section
from ennoshita.actor import Actor
from ennoshita.bulk import insert_rows
from ennoshita.db import Database
from ennoshita.identity import company as company_service
from ennoshita.partners.kana import normalize_payer_kana
from ennoshita.sales import billing, receivables
from ennoshita.sales.matching import Deposit, OpenInvoice, propose_matches
from ennoshita.sales.models import Invoice

CUSTOMERS = 10_000
DELIVERIES = 200_000
CLOSING = dt.date(2026, 11, 20)
ACTOR = Actor(user_id=None, name="bench", roles=frozenset({"admin"}), via="cli")
KANA = "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワ"


def _kana_name(rng: random.Random, i: int) -> str:
    return "".join(rng.choice(KANA) for _ in range(6)) + f"{i:05d}"


def _seed(db: Database) -> None:
    """Customers (20日締め), deliveries of October 21 .. November 20 with 1-2 lines each, inserted in bulk."""
    company_service.update_company(db.uow(), Actor.system(), {
        "name": "株式会社さくら精機", "registration_number": "T7123456789012", "fiscal_year_start_month": 4,
        "tax_accounting": "exclusive", "tax_rounding": "floor"})
    rng = random.Random(4)
    now = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    with db.uow() as uow:
        s = uow.session
        insert_rows(s, "partners", (
            "id", "code", "name", "name_kana", "search_kana", "honorific", "corporate_number", "registration_number",
            "is_qualified_issuer", "is_customer", "is_supplier", "postal_code", "address", "billing_address",
            "phone", "email", "closing_day", "months_after", "pay_day", "holiday_shift", "fee_bearer", "bank_code",
            "branch_code", "account_type", "account_number", "account_holder_kana", "credit_limit", "notes",
            "active", "created_at"), [
            (i, f"C{i:05d}", f"株式会社テスト{i:05d}", kana, normalize_payer_kana(kana), "御中", "", "", False, True,
             False, "", "", "", "", "", 20, 1, 31, "next", "payer", "", "", "", "", "", 0, "", True, now)
            for i in range(1, CUSTOMERS + 1) for kana in [_kana_name(rng, i)]])
        deliveries, lines = [], []
        line_id = 0
        for d in range(1, DELIVERIES + 1):
            partner = (d - 1) % CUSTOMERS + 1
            day = dt.date(2026, 10, 21) + dt.timedelta(days=rng.randrange(31))
            n_lines = 1 + (d % 2)
            net = tax = 0
            for n in range(1, n_lines + 1):
                line_id += 1
                rate = "8" if n == 2 else "10"
                qty, price = rng.randrange(1, 20), rng.randrange(100, 50_000)
                amount = qty * price
                net += amount
                tax += amount * int(rate) // 100
                lines.append((line_id, d, n, None, f"部品 {n}", qty, "個", price, rate, amount, None))
            deliveries.append((d, f"DN-2026-{d:06d}", None, partner, day, "", None, "exclusive", net, tax,
                               net + tax, None, now))
        insert_rows(s, "deliveries", ("id", "number", "order_id", "partner_id", "delivery_date", "delivery_place",
                                      "invoice_id", "price_entry", "net", "tax", "gross", "created_by",
                                      "created_at"), deliveries)
        insert_rows(s, "delivery_lines", ("id", "delivery_id", "line_no", "item_id", "description", "quantity",
                                          "unit", "unit_price", "tax_rate", "amount", "order_line_id"), lines)
        if s.get_bind().dialect.name == "postgresql":
            for table in ("partners", "deliveries", "delivery_lines"):
                s.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                               f"(SELECT max(id) FROM {table}))"))
        uow.commit()


def billing_run(backend: str) -> dict[str, float]:
    with fresh_database(backend, "sales_billing") as db:
        t0 = time.perf_counter()
        _seed(db)
        seeded = time.perf_counter() - t0
        start = time.perf_counter()
        result = billing.billing_run(db.uow(), ACTOR, CLOSING)
        elapsed = time.perf_counter() - start
        with db.uow() as uow:
            invoices = uow.session.scalar(select(func.count()).select_from(Invoice))
        check = receivables.ar_check(db.uow(), ACTOR)
        assert invoices == CUSTOMERS == len(result.invoices), invoices
        assert check.ok, check
        # matching against the open invoices just billed (10,000) is in matching(); here: the AR check
        return {"seconds": elapsed, "invoices": float(invoices or 0), "deliveries": float(DELIVERIES),
                "seed": seeded, "ar": float(check.subledger)}


def pdf_throughput(n: int = 100) -> dict[str, float]:
    from bench.documents_pdf import measure

    return measure(n)


def matching(n_deposits: int = 10_000, n_invoices: int = 100_000) -> dict[str, float]:
    """The matching rule over 10,000 deposits and 100,000 open invoices of 20,000 customers: 60% paid exactly,
    15% two invoices at once, 10% short by a fee, 15% unknown payers."""
    rng = random.Random(7)
    partners = n_invoices // 5
    names = {p: _kana_name(rng, p) for p in range(1, partners + 1)}
    invoices = [OpenInvoice(i, (i - 1) % partners + 1, normalize_payer_kana(names[(i - 1) % partners + 1]),
                            dt.date(2026, 11, 30), rng.randrange(1_000, 3_000_000)) for i in range(1, n_invoices + 1)]
    by_partner: dict[int, list[OpenInvoice]] = {}
    for inv in invoices:
        by_partner.setdefault(int(inv.partner_id), []).append(inv)
    deposits = []
    for d in range(n_deposits):
        partner = rng.randrange(1, partners + 1)
        own = by_partner[partner]
        roll = rng.random()
        if roll < 0.60:
            amount = own[0].open_amount
        elif roll < 0.75 and len(own) > 1:
            amount = own[0].open_amount + own[1].open_amount
        elif roll < 0.85:
            amount = own[0].open_amount - 660
        else:
            amount = rng.randrange(1_000, 3_000_000)
        payer = f"ｶ){names[partner]}" if roll < 0.85 else "ﾌﾒｲ ﾀﾛｳ"
        deposits.append(Deposit(d, dt.date(2026, 11, 25), payer, amount))
    fees = dict.fromkeys(range(1, partners + 1), (440, 660, 770))
    start = time.perf_counter()
    proposals = propose_matches(deposits, invoices, fees)
    elapsed = time.perf_counter() - start
    normalize_payer_kana.cache_clear()
    tracemalloc.start()  # a second run for the memory figure: tracing slows Python down several times
    propose_matches(deposits, invoices, fees)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    kinds: dict[str, int] = {}
    for p in proposals:
        kinds[p.kind.value] = kinds.get(p.kind.value, 0) + 1
    return {"seconds": elapsed, "peak_mb": peak / 1e6, **{f"kind_{k}": float(v) for k, v in kinds.items()}}


def run(backends: tuple[str, ...] = ("sqlite", "postgresql")) -> None:
    rows = []
    for backend in backends:
        print(f"  billing run on {backend} ...", flush=True)
        r = billing_run(backend)
        rows.append(f"| {backend} | {CUSTOMERS:,} | {DELIVERIES:,} | {r['invoices']:,.0f} | {r['seconds']:.1f} s | "
                    f"{'met' if r['seconds'] < 60 else 'NOT met'} |")
        print(f"    {r['seconds']:.1f} s (seed {r['seed']:.1f} s)", flush=True)
    print("  pdf ...", flush=True)
    p = pdf_throughput()
    print(f"    {p['per_second']:.1f} documents/s, {p['per_cpu_second']:.1f} per CPU second", flush=True)
    print("  matching ...", flush=True)
    m = matching()
    print(f"    {m['seconds']:.2f} s", flush=True)
    kinds = ", ".join(f"{k[5:]} {int(v):,}" for k, v in sorted(m.items()) if k.startswith("kind_"))
    md = f"""## Sales (`python -m bench sales`)

Machine: {machine()}. Date: {dt.date.today().isoformat()}.

締め請求 run: 10,000 customers (20日締め) with 200,000 unbilled deliveries (300,000 lines) of 10/21..11/20,
one run for 2026-11-20 through `billing.billing_run` in one transaction: 10,000 qualified invoices with tax
once per rate, gapless numbers, 10,000 journal entries posted (売掛金 / 売上高 / 仮受消費税 by rate, customer
補助科目 created on the way), receivables opened, deliveries marked billed; the AR check (sub-ledger =
ledger 売掛金) is asserted afterwards. Target: under 60 s.

| database | customers | deliveries | invoices | run time | target |
| --- | ---: | ---: | ---: | ---: | --- |
{chr(10).join(rows)}

PDF throughput (one process on one core, `documents.render_many`, single-page 請求書 with the IPAex fonts
embedded as subsets; also `python -m bench.documents_pdf N`): **{p['per_cpu_second']:.1f} documents per CPU
second** ({p['documents']:.0f} documents in {p['cpu_seconds']:.1f} s of CPU; {p['seconds']:.1f} s wall clock =
{p['per_second']:.1f}/s, which other work on the machine slows down). Target: at least 10 per second per core:
{'met' if p['per_cpu_second'] >= 10 else 'NOT met'}.

Matching (`sales.matching.propose_matches`, the rule the 入金消込 screen runs): 10,000 deposits against
100,000 open invoices of 20,000 customers in **{m['seconds']:.2f} s**, peak {m['peak_mb']:.0f} MB
({kinds}). Target: under 5 s: {'met' if m['seconds'] < 5 else 'NOT met'}. Invoices are indexed by kana key,
partner and amount; no deposit is compared with every invoice.
"""
    write_section("sales", md)


if __name__ == "__main__":
    run(tuple(sys.argv[1:]) or ("sqlite", "postgresql"))
