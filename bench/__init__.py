"""Benchmarks: they print numbers and write JSON to bench/results/; they never assert on time."""
