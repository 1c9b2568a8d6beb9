"""The programmes app's models, by topic: ``frameworks`` (national reference data), ``registrations``
(the NQSW's programme at an employer and its history), ``transfers`` and ``support`` (supervision,
protected time, caseload, support needs).

Django loads an app's models from ``programmes.models``, and callers import them from here: this module
is the package's public face, not a shim."""

from .frameworks import FrameworkAvailability, FrameworkVersion, ProgrammeFramework
from .registrations import (
    SWE_NUMBER_VALIDATOR,
    AssessorAllocation,
    Deferral,
    FundingStatus,
    NationalReview,
    Outcome,
    Registration,
    RegistrationCorrection,
    RegistrationStatus,
)
from .support import CaseloadRecord, ProtectedTimeLog, SupervisionSession, SupportNeed
from .transfers import RegistrationTransfer

__all__ = [
    "SWE_NUMBER_VALIDATOR",
    "AssessorAllocation",
    "CaseloadRecord",
    "Deferral",
    "FrameworkAvailability",
    "FrameworkVersion",
    "FundingStatus",
    "NationalReview",
    "Outcome",
    "ProgrammeFramework",
    "ProtectedTimeLog",
    "Registration",
    "RegistrationCorrection",
    "RegistrationStatus",
    "RegistrationTransfer",
    "SupervisionSession",
    "SupportNeed",
]
