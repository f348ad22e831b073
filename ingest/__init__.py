"""jixiao ingest: parse budget performance documents into the DuckDB raw layer."""

# 0.2.0: binary formats are read (ingest/formats), not recorded as binary_file: files a 0.1.0 run
# recorded are read again.
# 0.3.0: one form reader reads every shape, the OCR'd and scrambled sample shapes through front-ends,
# with the many reader fixes since 0.2.0: an existing warehouse's documents are parsed again.
PARSER_VERSION = "0.3.0"
