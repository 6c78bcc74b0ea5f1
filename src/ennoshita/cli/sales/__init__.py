"""The ``ennoshita sales`` command group: 締め請求, 計上, invoice PDFs, bank import, the AR check, settings and
credits (``billing``, which defines the group), 取引先, 品目, 見積, 受注, 請求書 and 入金消込 (``documents``)."""
