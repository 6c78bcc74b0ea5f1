"""Purchasing and payables: pure rules (input-tax credit, three-way match, 全銀 transfer files)."""
