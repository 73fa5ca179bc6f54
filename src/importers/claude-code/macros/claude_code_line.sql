-- claude_code_line: the fields of a Claude Code transcript line that staging reads, as one type, so
-- the JSON reader (read_json) and the line-by-line parse (a cast of each line) read the same shape.
-- Every field is VARCHAR (the JSON text of a number or boolean): a value that does not read is cast
-- later and rejects its line with a reason. `content` stays JSON: a string (a typed prompt) or blocks
-- (a list of block structs would read only the names and texts, but turns a string prompt into NULL).
-- Nothing else is built: the reader skips every other field of a line (toolUseResult, snapshots,
-- progress payloads).
CREATE OR REPLACE TEMP TYPE claude_code_line AS STRUCT(
  "type" VARCHAR, "timestamp" VARCHAR, sessionId VARCHAR, requestId VARCHAR, uuid VARCHAR, isSidechain VARCHAR,
  agentId VARCHAR, cwd VARCHAR, gitBranch VARCHAR, version VARCHAR, isMeta VARCHAR,
  message STRUCT(
    id VARCHAR, model VARCHAR,
    usage STRUCT(
      input_tokens VARCHAR, output_tokens VARCHAR, cache_creation_input_tokens VARCHAR, cache_read_input_tokens VARCHAR,
      cache_creation STRUCT(ephemeral_5m_input_tokens VARCHAR, ephemeral_1h_input_tokens VARCHAR),
      service_tier VARCHAR, speed VARCHAR, server_tool_use STRUCT(web_search_requests VARCHAR)
    ),
    content JSON
  )
)
