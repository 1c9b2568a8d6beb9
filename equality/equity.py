"""Equality's part of the national equity analysis (``reporting.equity``, docs/equity-and-retention.md):
the table the analysis joins in its one grouped query, and how the answers it reads are labelled. Only
equality's own modules import its models (``tests/equality/test_separation.py``); the analysis reads the
answers inside the audited national scope, grouped in SQL, never row by row."""

from __future__ import annotations

from equality.models import AgeBand, EqualityMonitoring, Gender

EQUALITY_TABLE = EqualityMonitoring._meta.db_table
GENDER_LABELS = {value: label for value, label in Gender.choices if value != Gender.PREFER_NOT_TO_SAY}
AGE_BAND_LABELS = {value: label for value, label in AgeBand.choices if value != AgeBand.PREFER_NOT_TO_SAY}
