"""Security mechanisms shared by every door and domain: the declared route-permission table, input bounds,
text hygiene, safe file names and spreadsheet cells, security headers."""
