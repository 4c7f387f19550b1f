"""The talk's claims (docs/claims.md), one module per topic, each check a small function from a report's
evidence to a verdict (bench/report/verdicts.py); registry.py lists them all and assesses them.
May import: the rest of report/ (cells, conditions, verdicts) and the layers below it.
"""
