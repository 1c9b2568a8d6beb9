"""Equality monitoring, kept apart from every other record.

Filled in by NQSWs about themselves; read only by the NQSW, and by employers and national staff as
figures under disclosure control (``equality.disclosure``), taken as nightly snapshots
(``equality.snapshots``). No assessment or funding code may import this app
(tests/equality/test_separation.py checks the imports)."""
