"""The synthetic county of the benchmark (`bench/gen.py`): one module per kind of file it writes."""
