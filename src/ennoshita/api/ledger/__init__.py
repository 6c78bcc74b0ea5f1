"""Ledger API: accounts, journal entries and reports (``books``), journal import and export and account changes
(``io``), 証憑 (``evidence``)."""
