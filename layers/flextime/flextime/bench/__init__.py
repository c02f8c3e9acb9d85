"""Benchmarks (`flextime bench ...`): each prints a table and can write CSV/markdown."""
