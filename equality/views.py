"""Equality monitoring pages: the NQSW's own answers, and the co-ordinator's counts."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from asye.accounts.models import Role
from asye.web.decorators import employer_view
from asye.web.flow import form_page
from asye.web.forms import answers, posted
from equality import selectors, services, snapshots
from equality.disclosure import ROUNDING_BASE, SMALL_COUNT
from equality.forms import GIVE_DATE, KEEP, EqualityMonitoringForm, detail_field_name
from equality.models import EqualityMonitoring
from equality.services import ETHNICITY_DETAILS, PREFER_NOT_TO_SAY, ethnicity_detail_label


def _answer_rows(answers: EqualityMonitoring) -> list[dict]:
    """The NQSW's answers as summary list rows, each with the question it changes."""
    ethnicity = answers.get_ethnic_group_display()
    if answers.ethnicity_detail and answers.ethnicity_detail != PREFER_NOT_TO_SAY:
        ethnicity = f"{ethnicity}: {ethnicity_detail_label(answers.ethnicity_detail)}"
    return [
        {"key": "Gender", "value": answers.get_gender_display(), "anchor": "id_gender"},
        {
            "key": "Age at the start of your programme",
            "value": answers.get_age_band_display(),
            "anchor": "id_age_answer",
        },
        {"key": "Ethnic group", "value": ethnicity, "anchor": "id_ethnic_group"},
        {"key": "Nationality", "value": answers.get_nationality_display(), "anchor": "id_nationality"},
        {
            "key": "Disability or long-term health condition",
            "value": answers.get_disability_display(),
            "anchor": "id_disability",
        },
    ]


@employer_view(Role.NQSW)
@require_GET
def mine(request):
    actor = request.actor
    registration = selectors.equality_registration_own(actor=actor)
    answers = None
    if registration is not None:
        answers = selectors.equality_monitoring_own(actor=actor, registration=registration)
    return render(
        request,
        "equality/mine.html",
        {
            "registration": registration,
            "answers": answers,
            "rows": _answer_rows(answers) if answers else [],
        },
    )


def _on_questions(form: EqualityMonitoringForm, error: ValidationError) -> ValidationError:
    """The service names its own fields; the same messages named by the questions that ask them."""
    if not hasattr(error, "error_dict"):
        return error
    group = form.cleaned_data.get("ethnic_group")
    renamed = {
        "age_band": "age_answer",
        "date_of_birth": "dob_day",
        "ethnicity_detail": detail_field_name(group) if group in ETHNICITY_DETAILS else "ethnic_group",
    }
    return ValidationError({renamed.get(name, name): list(msgs) for name, msgs in error.message_dict.items()})


@employer_view(Role.NQSW)
@require_http_methods(["GET", "POST"])
def answer(request):
    actor = request.actor
    registration = selectors.equality_registration_own(actor=actor)
    if registration is None:
        return render(request, "equality/no_registration.html")
    existing = selectors.equality_monitoring_own(actor=actor, registration=registration)
    form = EqualityMonitoringForm(
        posted(request),
        start_date=registration.start_date,
        existing=existing,
    )

    def save(data):
        age_answer = data["age_answer"]
        try:
            return services.equality_monitoring_save(
                actor=actor,
                registration=registration,
                date_of_birth=data.get("date_of_birth") if age_answer == GIVE_DATE else None,
                age_band={KEEP: form.kept_band, PREFER_NOT_TO_SAY: PREFER_NOT_TO_SAY}.get(age_answer),
                **answers(data, "gender", "ethnic_group", "ethnicity_detail", "nationality", "disability"),
            )
        except ValidationError as error:
            raise _on_questions(form, error) from error

    return form_page(
        request,
        form,
        template="equality/answer.html",
        context={"registration": registration, "existing": existing},
        save=save,
        done=lambda _saved: redirect("equality:mine"),
        message="Your equality monitoring answers have been saved",
    )


@employer_view(Role.COORDINATOR)
@require_GET
def summary(request):
    actor = request.actor
    years = selectors.equality_funding_years(actor=actor)
    funding_year = request.GET.get("funding_year", "")
    if funding_year not in years:
        funding_year = years[0] if years else ""
    aggregates = None
    if years:
        # A year with no snapshot yet gets its first now; like every snapshot, it is shown from tomorrow.
        snapshots.equality_snapshot_ensure(actor=actor, funding_year=funding_year)
        aggregates = selectors.equality_aggregates(actor=actor, funding_year=funding_year)
    return render(
        request,
        "equality/summary.html",
        {
            "years": years,
            "funding_year": funding_year,
            "aggregates": aggregates,
            "small_count": SMALL_COUNT,
            "rounding_base": ROUNDING_BASE,
            "hidden_marker": selectors.HIDDEN,
        },
    )
