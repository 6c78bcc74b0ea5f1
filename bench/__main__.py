"""Run the benchmarks: `python -m bench` runs all; `python -m bench NAME ...` runs some."""

from __future__ import annotations

import importlib
import sys

ALL = ("audit_page", "audit_chain", "lists", "ledger", "sales", "cli_startup",
       "hr", "payroll", "assets_contracts", "bank_import", "responsiveness")


def main(names: list[str]) -> None:
    for name in names or list(ALL):
        print(f"== bench {name}", flush=True)
        importlib.import_module(f"bench.{name}").run()  # type: ignore[attr-defined]


if __name__ == "__main__":
    main(sys.argv[1:])
