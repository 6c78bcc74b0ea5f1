"""給与 screens: runs (``runs``), payslips and the 賃金台帳 (``slips``)."""
