"""Benchmarks for `make bench` (`python -m bench`): slot search latency and booking load."""
