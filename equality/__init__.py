"""Equality monitoring, kept apart from every other record.

Filled in by NQSWs about themselves; read only by the NQSW, by national reporting, and by employers as
aggregates with small numbers suppressed. No assessment or funding code may import this app
(tests/equality/test_separation.py checks the imports)."""
