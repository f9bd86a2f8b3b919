"""Deterministic demo data: a simulated B2B software company written out in real export layouts.

    python -m sample_data.generate --out sample_data/demo     # rebuild the committed demo set
    python cli.py sample --db demo.duckdb                     # generate and load into a database
"""
