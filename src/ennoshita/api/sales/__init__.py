"""Sales API: partners, items, 見積 → 受注 → 納品 and the shapes the sales and purchasing APIs share (``orders``),
invoices, billing runs, bank imports and 入金消込 (``billing``), 売掛金 aging, overdue, un-match and credits
(``receivables``)."""
