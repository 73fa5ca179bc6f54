-- drop_replay_frame_rows: the frame's rows are in typed arrays once read; DuckDB's copy goes.
DROP TABLE IF EXISTS replay_frame_rows
