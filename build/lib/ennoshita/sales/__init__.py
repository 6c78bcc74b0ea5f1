"""営業事務 (sales administration): partners, quotes, orders, deliveries, invoices, receivables, matching."""
