"""購買 screens: 発注書 with what the purchasing screens share (``orders``), 受領請求書, 買掛金 and 支払予定
(``bills``), 支払実行 (``payments``)."""
