"""jixiao ingest: parse budget performance documents into the DuckDB raw layer."""

PARSER_VERSION = "0.1.0"
