"""jixiao ingest: parse budget performance documents into the DuckDB raw layer."""

# 0.2.0: binary formats are read (ingest/formats), not recorded as binary_file: files a 0.1.0 run
# recorded are read again.
PARSER_VERSION = "0.2.0"
