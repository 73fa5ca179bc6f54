-- local_day(ts, bucket, tz): the calendar day a row belongs to in zone tz. A provider's daily bucket
-- ('1d') is a UTC day's total that cannot be split across another zone's days, so it keeps its UTC date.
CREATE OR REPLACE TEMP MACRO local_day(ts, bucket, tz) AS
  CASE WHEN bucket = '1d' THEN CAST(timezone('UTC', ts) AS DATE) ELSE CAST(timezone(tz, ts) AS DATE) END
