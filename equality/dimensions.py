"""The equality questions whose answers are counted, in the order their tables are shown."""

from equality.models import AgeBand, Disability, EthnicGroup, Gender, Nationality

# (field, table title, choices)
DIMENSIONS = (
    ("gender", "Gender", Gender),
    ("age_band", "Age at the start of the programme", AgeBand),
    ("ethnic_group", "Ethnic group", EthnicGroup),
    ("nationality", "Nationality", Nationality),
    ("disability", "Disability or long-term health condition", Disability),
)
