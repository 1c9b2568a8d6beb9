"""The base of the national endpoints (``/api/v1/national/…``): read-only figures across employers for
national staff's own systems, called with a national API token (``asye.api.national_auth``) and read in
the audited national scope, so that every call writes a ``national.read`` audit row as a national page
does. An employer's token is refused with 403 (a signed-in session, which carries no token, with 401);
a national token is refused by every employer endpoint (``asye.tenancy.api``)."""

from __future__ import annotations

import datetime

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.generics import GenericAPIView

from asye.accounts.actor import Actor
from asye.api.authentication import ApiTokenAuthentication
from asye.api.filters import whole_number_param
from asye.tenancy.national import national_scope

NATIONAL_TAG = "national"
NOT_NATIONAL = (
    "Only a national API token may read the national endpoints: national staff create one under "
    "'National API tokens'."
)


class NationalReadView(GenericAPIView):
    """A national read: subclasses implement ``read(request)``, which runs in the audited national scope
    with ``self.actor`` the token's national staff member (acting for no employer)."""

    actor: Actor
    # Tokens only: a signed-in session (national staff's browser) is not a national token.
    authentication_classes = [ApiTokenAuthentication]

    def check_permissions(self, request):
        super().check_permissions(request)  # 401 without credentials
        if not getattr(request.auth, "is_national", False):
            raise PermissionDenied(NOT_NATIONAL)
        self.actor = request._request.actor

    def get(self, request, *args, **kwargs):
        purpose = f"API GET {request.get_full_path()} (national API token {request.auth.pk})"
        with national_scope(actor=self.actor, purpose=purpose):
            return self.read(request)

    def read(self, request):
        raise NotImplementedError


def year_param(request, *, years: list[int] | None = None) -> int | None:
    """``year``, a reporting year named by the year it starts (``2026``: 1 April 2026 to 31 March 2027);
    with ``years``, one of them. A malformed or unknown year is a 400 problem naming it; None if absent."""
    errors: dict = {}
    year = whole_number_param(request, "year", errors, "Give a year like 2026.")
    if year is not None and not 2000 <= year <= 2100:
        errors["year"] = ["Give a year like 2026."]
    elif year is not None and years is not None and year not in years:
        listed = ", ".join(str(y) for y in sorted(years)) or "none yet"
        errors["year"] = [f"There are no figures for {year}. Years with figures: {listed}."]
    if errors:
        raise ValidationError(errors)
    return year


def year_bounds(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    """The moments a reporting year starts and ends (1 April, UK time)."""
    start = timezone.make_aware(datetime.datetime(year, 4, 1))
    return start, timezone.make_aware(datetime.datetime(year + 1, 4, 1))


YEAR_PARAM = OpenApiParameter(
    "year",
    OpenApiTypes.INT,
    description="A reporting year, named by the year it starts: `2026` is 1 April 2026 to 31 March 2027.",
)
