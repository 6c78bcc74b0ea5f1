"""入金消込 proposals: one per deposit, never more cash than paid, never one invoice twice."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from ennoshita.sales.kana import normalize_payer_kana
from ennoshita.sales.matching import Allocation, Deposit, MatchKind, OpenInvoice, Proposal, propose_matches

D = dt.date
YAMADA = normalize_payer_kana("ヤマダショウジ（カ")
SUZUKI = normalize_payer_kana("ユ)スズキコウギョウ")


def inv(id_: str, partner: str, key: str, due: dt.date, amount: int) -> OpenInvoice:
    return OpenInvoice(id_, partner, key, due, amount)


def dep(id_: str, payer: str, amount: int, day: dt.date = D(2026, 11, 30)) -> Deposit:
    return Deposit(id_, day, payer, amount)


def only(proposals: list[Proposal]) -> Proposal:
    assert len(proposals) == 1
    return proposals[0]


def test_exact_amount_from_the_named_customer() -> None:
    invoices = [inv("INV-1", "yamada", YAMADA, D(2026, 11, 30), 110000),
                inv("INV-2", "yamada", YAMADA, D(2026, 12, 31), 55000)]
    proposal = only(propose_matches([dep("d1", "ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ", 55000)], invoices))
    assert proposal.kind is MatchKind.EXACT
    assert proposal.partner_id == "yamada"
    assert proposal.allocations == (Allocation("INV-2", 55000),)
    assert (proposal.fee, proposal.unassigned, proposal.name_matched) == (0, 0, True)


def test_same_amount_twice_for_one_customer_pays_the_oldest_first() -> None:
    invoices = [inv("INV-late", "yamada", YAMADA, D(2026, 12, 31), 33000),
                inv("INV-early", "yamada", YAMADA, D(2026, 11, 30), 33000)]
    proposal = only(propose_matches([dep("d1", "ﾔﾏﾀﾞｼﾖｳｼﾞ(ｶ", 33000)], invoices))
    assert proposal.kind is MatchKind.EXACT
    assert proposal.allocations == (Allocation("INV-early", 33000),)


def test_one_transfer_for_several_invoices_oldest_first() -> None:
    # 11,000 + 22,000 + 5,500 = 38,500: the three oldest invoices, not the 38,500 of a later one's combo.
    invoices = [inv("A", "yamada", YAMADA, D(2026, 9, 30), 11000),
                inv("B", "yamada", YAMADA, D(2026, 10, 31), 22000),
                inv("C", "yamada", YAMADA, D(2026, 11, 30), 5500),
                inv("E", "yamada", YAMADA, D(2026, 12, 31), 16500)]
    proposal = only(propose_matches([dep("d1", "ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ", 38500)], invoices))
    assert proposal.kind is MatchKind.SUM_OF_SEVERAL
    assert [a.invoice_id for a in proposal.allocations] == ["A", "B", "C"]
    assert proposal.allocated == 38500


def test_several_invoices_that_are_not_the_oldest() -> None:
    # 7,700 + 3,300 = 11,000 is found as a non-contiguous pair (B and D) by the bounded search.
    invoices = [inv("A", "yamada", YAMADA, D(2026, 9, 30), 50000),
                inv("B", "yamada", YAMADA, D(2026, 10, 31), 7700),
                inv("C", "yamada", YAMADA, D(2026, 11, 30), 9000),
                inv("D", "yamada", YAMADA, D(2026, 12, 31), 3300)]
    proposal = only(propose_matches([dep("d1", "ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ", 11000)], invoices))
    assert proposal.kind is MatchKind.SUM_OF_SEVERAL
    assert [a.invoice_id for a in proposal.allocations] == ["B", "D"]


def test_paid_short_by_the_customers_usual_transfer_fee() -> None:
    # 110,000 invoiced, 109,560 received: the customer deducted its 440-yen fee.
    invoices = [inv("INV-1", "yamada", YAMADA, D(2026, 11, 30), 110000)]
    proposal = only(propose_matches([dep("d1", "ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ", 109560)], invoices, fees={"yamada": [440, 660]}))
    assert proposal.kind is MatchKind.FEE_SHORT
    assert proposal.allocations == (Allocation("INV-1", 110000),)
    assert proposal.fee == 440
    assert proposal.cash_applied == 109560


def test_a_fee_the_customer_is_not_known_for_is_not_assumed() -> None:
    invoices = [inv("INV-1", "yamada", YAMADA, D(2026, 11, 30), 110000)]
    proposal = only(propose_matches([dep("d1", "ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ", 109560)], invoices, fees={"yamada": [770]}))
    assert proposal.kind is MatchKind.PARTIAL
    assert proposal.fee == 0
    assert proposal.allocations == (Allocation("INV-1", 109560),)


def test_several_invoices_less_the_fee() -> None:
    # 33,000 + 44,000 = 77,000, received 76,340 = 77,000 - 660.
    invoices = [inv("A", "yamada", YAMADA, D(2026, 10, 31), 33000),
                inv("B", "yamada", YAMADA, D(2026, 11, 30), 44000)]
    proposal = only(propose_matches([dep("d1", "ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ", 76340)], invoices, fees={"yamada": [660]}))
    assert proposal.kind is MatchKind.SUM_OF_SEVERAL
    assert (proposal.fee, proposal.allocated, proposal.cash_applied) == (660, 77000, 76340)


def test_nothing_fits() -> None:
    invoices = [inv("INV-1", "yamada", YAMADA, D(2026, 11, 30), 110000)]
    proposal = only(propose_matches([dep("d1", "ｶ)ﾀﾞﾚｶｼﾗﾅｲ", 12345)], invoices))
    assert proposal.kind is MatchKind.NONE
    assert proposal.allocations == ()
    assert proposal.unassigned == 12345


def test_two_customers_fit_equally_so_a_person_decides() -> None:
    # The payer name is unknown; both customers have an open invoice of exactly 22,000.
    invoices = [inv("Y-1", "yamada", YAMADA, D(2026, 11, 30), 22000),
                inv("S-1", "suzuki", SUZUKI, D(2026, 11, 30), 22000)]
    proposal = only(propose_matches([dep("d1", "ﾀﾅｶ ﾀﾛｳ", 22000)], invoices))
    assert proposal.kind is MatchKind.AMBIGUOUS
    assert set(proposal.candidates) == {"Y-1", "S-1"}
    assert proposal.allocations == ()


def test_two_customers_sharing_a_name_fit_equally() -> None:
    # Two different companies registered as ヤマダショウジ (カ) and (ユ): one key, both with 22,000 open.
    invoices = [inv("K-1", "yamada-kk", YAMADA, D(2026, 11, 30), 22000),
                inv("Y-1", "yamada-yk", normalize_payer_kana("ﾔﾏﾀﾞｼﾖｳｼﾞ(ﾕ"), D(2026, 11, 30), 22000)]
    proposal = only(propose_matches([dep("d1", "ﾔﾏﾀﾞｼﾖｳｼﾞ(ｶ", 22000)], invoices))
    assert proposal.kind is MatchKind.AMBIGUOUS
    assert set(proposal.candidates) == {"K-1", "Y-1"}


def test_a_shared_name_is_settled_by_the_amount() -> None:
    invoices = [inv("K-1", "yamada-kk", YAMADA, D(2026, 11, 30), 22000),
                inv("Y-1", "yamada-yk", YAMADA, D(2026, 11, 30), 33000)]
    proposal = only(propose_matches([dep("d1", "ﾔﾏﾀﾞｼﾖｳｼﾞ(ｶ", 33000)], invoices))
    assert (proposal.kind, proposal.partner_id) == (MatchKind.EXACT, "yamada-yk")


def test_partial_payment_fills_the_oldest_invoices_first() -> None:
    # 50,000 received against 30,000 (oldest) and 40,000: 30,000 settled, 20,000 on the second.
    invoices = [inv("A", "yamada", YAMADA, D(2026, 10, 31), 30000),
                inv("B", "yamada", YAMADA, D(2026, 11, 30), 40000)]
    proposal = only(propose_matches([dep("d1", "ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ", 50000)], invoices))
    assert proposal.kind is MatchKind.PARTIAL
    assert proposal.allocations == (Allocation("A", 30000), Allocation("B", 20000))
    assert proposal.unassigned == 0


def test_paying_more_than_everything_open() -> None:
    invoices = [inv("A", "yamada", YAMADA, D(2026, 10, 31), 30000)]
    proposal = only(propose_matches([dep("d1", "ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ", 35000)], invoices))
    assert proposal.kind is MatchKind.OVERPAID
    assert proposal.allocations == (Allocation("A", 30000),)
    assert proposal.unassigned == 5000


def test_an_unknown_name_with_a_unique_amount_is_proposed_but_flagged() -> None:
    invoices = [inv("Y-1", "yamada", YAMADA, D(2026, 11, 30), 123456)]
    proposal = only(propose_matches([dep("d1", "ﾔﾏﾀﾞ ﾀﾛｳ", 123456)], invoices))
    assert proposal.kind is MatchKind.EXACT
    assert proposal.name_matched is False


def test_a_name_the_bank_cut_short_still_identifies_the_customer() -> None:
    long_key = normalize_payer_kana("ﾄｸﾋ)ﾆﾎﾝｺｳｷﾞﾖｳｷﾞｼﾞﾕﾂｼﾝｺｳｷﾖｳｶｲ")
    invoices = [inv("N-1", "npo", long_key, D(2026, 11, 30), 8800)]
    proposal = only(propose_matches([dep("d1", "ﾄｸﾋ)ﾆﾎﾝｺｳｷﾞﾖｳｷﾞｼﾞ", 8800)], invoices))
    assert (proposal.kind, proposal.name_matched) == (MatchKind.EXACT, True)


def test_a_branch_after_the_name_still_identifies_the_customer() -> None:
    invoices = [inv("Y-1", "yamada", YAMADA, D(2026, 11, 30), 10000),
                inv("Y-2", "yamada", YAMADA, D(2026, 12, 31), 20000)]
    proposal = only(propose_matches([dep("d1", "ﾔﾏﾀﾞｼﾖｳｼﾞ(ｶ)ﾁﾊﾞｼﾃﾝ", 15000)], invoices))
    assert (proposal.kind, proposal.partner_id, proposal.name_matched) == (MatchKind.PARTIAL, "yamada", True)


def test_an_alias_names_the_customer() -> None:
    # The parent company pays for its subsidiary.
    invoices = [inv("Y-1", "yamada", YAMADA, D(2026, 11, 30), 10000)]
    proposal = only(propose_matches([dep("d1", "ｶ)ﾔﾏﾀﾞﾎｰﾙﾃﾞｨﾝｸﾞｽ", 7000)], invoices,
                                    aliases={normalize_payer_kana("ヤマダホールディングス"): "yamada"}))
    assert (proposal.kind, proposal.partner_id) == (MatchKind.PARTIAL, "yamada")


def test_one_invoice_is_never_used_by_two_deposits() -> None:
    invoices = [inv("A", "yamada", YAMADA, D(2026, 11, 30), 11000),
                inv("B", "yamada", YAMADA, D(2026, 12, 31), 99000)]
    first, second = propose_matches([dep("d1", "ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ", 11000, D(2026, 11, 28)),
                                     dep("d2", "ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ", 11000, D(2026, 11, 30))], invoices)
    assert first.allocations == (Allocation("A", 11000),)
    assert second.kind is MatchKind.PARTIAL
    assert second.allocations == (Allocation("B", 11000),)


def test_a_sure_match_is_not_taken_by_an_earlier_partial_payment() -> None:
    # d1 (earlier) pays 5,000 of nothing in particular; d2 pays invoice B exactly. B goes to d2.
    invoices = [inv("A", "yamada", YAMADA, D(2026, 10, 31), 30000),
                inv("B", "yamada", YAMADA, D(2026, 11, 30), 12000)]
    first, second = propose_matches([dep("d1", "ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ", 5000, D(2026, 11, 1)),
                                     dep("d2", "ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ", 12000, D(2026, 11, 30))], invoices)
    assert second.kind is MatchKind.EXACT and second.allocations == (Allocation("B", 12000),)
    assert first.kind is MatchKind.PARTIAL and first.allocations == (Allocation("A", 5000),)


def test_a_large_batch_is_indexed_not_compared_pairwise() -> None:
    # 20,000 deposits x 20,000 invoices would be 400 million comparisons. Counted, not timed (timings live
    # in bench/): every read of an invoice's amount is counted; an indexed matcher reads a few per invoice.
    reads = 0

    class Counted(OpenInvoice):
        def __getattribute__(self, name: str) -> object:
            nonlocal reads
            if name == "open_amount":
                reads += 1
            return super().__getattribute__(name)

    n = 20_000
    invoices = [Counted(**vars(inv(f"I{i}", f"p{i}", f"ｶﾌﾞﾇｼ{i:05d}", D(2026, 11, 30), 1000 + i)))
                for i in range(n)]
    deposits = [dep(f"d{i}", f"ｶﾌﾞﾇｼ{i:05d}", 1000 + i) for i in range(n)]
    proposals = propose_matches(deposits, invoices)
    assert all(p.kind is MatchKind.EXACT for p in proposals)
    assert n <= reads <= 10 * n


# --- properties -----------------------------------------------------------------------------------------

_NAMES = ["ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ", "ﾕ)ｽｽﾞｷｺｳｷﾞﾖｳ", "ﾀﾅｶ ﾀﾛｳ", "ｻﾄｳｼﾖｳﾃﾝ(ｶ"]
_PARTNERS = {"yamada": YAMADA, "suzuki": SUZUKI, "sato": normalize_payer_kana("サトウショウテン")}
_FEES = {"yamada": [440], "suzuki": [660, 770]}

invoice_lists = st.lists(
    st.tuples(st.sampled_from(sorted(_PARTNERS)), st.integers(min_value=1, max_value=60),
              st.integers(min_value=1, max_value=40)),
    max_size=25,
).map(lambda rows: [inv(f"I{i}", p, _PARTNERS[p], D(2026, 9, 1) + dt.timedelta(days=day), amount * 110)
                    for i, (p, day, amount) in enumerate(rows)])
deposit_lists = st.lists(
    st.tuples(st.sampled_from(_NAMES), st.integers(min_value=-10, max_value=9000), st.sampled_from([0, 440, 660])),
    max_size=12,
).map(lambda rows: [dep(f"d{i}", name, units * 110 - fee, D(2026, 11, 1) + dt.timedelta(days=i % 5))
                    for i, (name, units, fee) in enumerate(rows)])


@settings(max_examples=300, deadline=None)
@given(invoice_lists, deposit_lists)
def test_never_more_than_paid_and_never_one_invoice_twice(invoices: list[OpenInvoice],
                                                         deposits: list[Deposit]) -> None:
    proposals = propose_matches(deposits, invoices, fees=_FEES)
    assert [p.deposit_id for p in proposals] == [d.id for d in deposits]
    open_amount = {i.id: i.open_amount for i in invoices}
    partner_of = {i.id: i.partner_id for i in invoices}
    seen: set[object] = set()
    for deposit, proposal in zip(deposits, proposals, strict=True):
        paid = max(deposit.amount, 0)
        assert 0 <= proposal.cash_applied <= paid
        assert proposal.cash_applied + proposal.unassigned == paid
        for allocation in proposal.allocations:
            assert allocation.invoice_id not in seen
            seen.add(allocation.invoice_id)
            assert 0 < allocation.amount <= open_amount[allocation.invoice_id]
            assert partner_of[allocation.invoice_id] == proposal.partner_id
        if proposal.fee:
            assert proposal.fee in _FEES[str(proposal.partner_id)]
            assert proposal.kind in (MatchKind.FEE_SHORT, MatchKind.SUM_OF_SEVERAL)
        if proposal.kind in (MatchKind.EXACT, MatchKind.FEE_SHORT, MatchKind.SUM_OF_SEVERAL):
            assert proposal.allocated == deposit.amount + proposal.fee
            assert proposal.unassigned == 0
        if proposal.kind in (MatchKind.NONE, MatchKind.AMBIGUOUS):
            assert proposal.allocations == ()
