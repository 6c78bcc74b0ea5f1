"""経費精算 (expense claims): an employee's receipts, transport and mileage lines, approved on the route table,
posted to the ledger (費用 / 未払金), and paid to the employee's account in the next payment run."""
