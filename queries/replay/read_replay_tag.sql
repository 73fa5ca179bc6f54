-- read_replay_tag: one tag's value (tags.<name>, as a policy's rules test it: json_extract_string, as
-- compileCondition reads it) on each of the period's rows that has one, at the row's place in replay
-- order (replay_keys), for the rule matcher (src/replay/rule-match.ts). Read only for the tag names
-- the policies test: the tags themselves can be nearly one per row (a request id in them).
-- grain: one row per period row with a value for the tag
-- params: name VARCHAR, since DATE, until DATE, tz VARCHAR
SELECT k.place, v.value
FROM replay_keys($since, $until, $tz) k
JOIN (SELECT epoch_us(started_at) AS order_us, hash(source, record_key) AS order_hash,
             json_extract_string(tags, '$.' || $name) AS value
      FROM replay_input
      WHERE tags IS NOT NULL AND in_period(started_at, bucket_width, $since, $until, $tz)) v
  ON v.order_us = k.order_us AND v.order_hash = k.order_hash
WHERE v.value IS NOT NULL
