"""Benchmark of jixiao at scale: a synthetic collection generator and a timing script (`make bench`)."""
