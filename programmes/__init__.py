"""Frameworks, registrations, timelines, assessors, supervision, caseload and protected time."""
