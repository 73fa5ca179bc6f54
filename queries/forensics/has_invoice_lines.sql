-- has_invoice_lines: whether the ledger holds any invoice line. Without one, reconciliation.sql has no
-- provider-day to compare and gives no rows, yet plans and runs its pass over usage_counted (~0.1 CPU-s
-- at 1M rows): a report asks this first (src/report/data.ts).
SELECT EXISTS (SELECT 1 FROM invoice_lines) AS has_lines
