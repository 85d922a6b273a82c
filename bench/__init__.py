"""Benchmarks and relevance evaluation (not shipped in the wheel)."""
