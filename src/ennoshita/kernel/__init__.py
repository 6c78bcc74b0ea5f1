"""The document kernel: what every document with lines, numbers and states shares, whatever its domain (見積,
受注, 納品, 請求書, 発注書, 受領請求書, 経費精算): gapless numbers (``numbering``), state changes through a TRANSITIONS
table (``transitions``), lines as entered and resolved (``lines``), the tax once per rate (``tax``) and the line and
total columns (``models``)."""
