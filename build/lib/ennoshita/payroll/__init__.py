"""給与計算 (payroll): 源泉所得税, 社会保険, 雇用保険, 住民税, 標準報酬 revisions and 年末調整 as pure rules over dated,
sourced tables (``tables``), plus the pay runs that use them."""

from ennoshita.payroll import resident, revisions, social, tables, withholding, yearend

__all__ = ["resident", "revisions", "social", "tables", "withholding", "yearend"]
