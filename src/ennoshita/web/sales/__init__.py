"""営業事務 screens: 取引先 and 品目 with what the sales screens share (``partners``), 見積・受注・納品
(``orders``), 請求書 entry (``invoices``), 請求書 list, 締め請求 and 入金消込 (``billing``), 売掛金 (``receivables``),
the CSV columns of the lists (``exports``)."""
