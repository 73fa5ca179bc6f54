-- Back to DuckDB's default once the lake's rows are in (see set_insertion_order_off.sql).
RESET preserve_insertion_order
