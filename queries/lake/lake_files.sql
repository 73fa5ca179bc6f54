-- How many Parquet files of one lake table there are (a view over none cannot be made).
-- params: $pattern
SELECT count(*) AS files FROM glob($pattern)
