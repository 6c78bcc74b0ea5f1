"""Benchmarks (`make bench`): each module measures one thing and writes its section of bench/RESULTS.md."""
