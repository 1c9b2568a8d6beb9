"""National quality assurance with employers: QA review meetings and their submissions, and the NQSW's
confidential route to the national team."""
