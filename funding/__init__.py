"""Funding years and rates, grant applications and action plans, claims and payment statements."""
