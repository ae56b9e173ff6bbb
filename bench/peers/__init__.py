"""Peers the benchmarks measure salesops against, in the same run (see bench/network.py)."""
