"""National staff's report pages under ``/national/reports/``: the landing page (the reports, the annual
report's runs), the registrations report (exact, with the cells a publication hides marked), its published
view, the quality figures, any table as CSV, and the disclosure threshold. Every page is in the audited
national scope (``national_view``)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from asye import clock
from asye.audit.services import audit_record
from asye.jobs.services import job_start
from asye.tenancy.national import national_view
from asye.web.flow import form_page
from programmes.eligibility import funding_year_of
from reporting import documents
from reporting.annual import annual_figures, annual_json, quality_section
from reporting.charts import report_charts
from reporting.disclosure_rule import disclosure_rule, disclosure_rule_update, disclosure_threshold
from reporting.forms import AnnualReportForm, DisclosureRuleForm, ReportFilterForm
from reporting.jobs import ANNUAL_REPORT
from reporting.publishing import published_for_runs
from reporting.quality_tables import QUALITY_KEYS
from reporting.registrations import registration_years, registrations_report, service_area_label
from reporting.runs import annual_report_run_get, annual_report_runs
from reporting.tables import report_tables, table_by_key

TABLE_KEYS = (
    "trend",
    "by_employer_type",
    "by_region",
    "region_groups",
    "by_service_area",
    *QUALITY_KEYS,
)


def _default_year(years: list[str]) -> str:
    """The current funding year if anyone is registered in it, else the newest year before it."""
    current = funding_year_of(clock.today())
    earlier = [year for year in years if year <= current]
    return earlier[-1] if earlier else (years[-1] if years else "")


def _chosen(request) -> tuple[ReportFilterForm, dict, list[str]]:
    years = registration_years()
    chosen = ReportFilterForm(request.GET, years=years).values(default_year=_default_year(years))
    return ReportFilterForm(initial=chosen, years=years), chosen, years


def _figures(chosen: dict, *, quality: bool) -> dict:
    figures = {
        "year": chosen["year"],
        "service_area": chosen["service_area"],
        "registrations": registrations_report(year=chosen["year"], service_area=chosen["service_area"]),
    }
    if quality:
        figures["quality"] = quality_section(year=chosen["year"], service_area=chosen["service_area"])
    return figures


@national_view
def index(request):
    years = registration_years()
    form = AnnualReportForm(
        request.POST or None,
        years=years,
        initial={"year": _default_year(years), "service_area": "both", "format": "pdf"},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        threshold = disclosure_threshold()
        job = job_start(
            actor=request.actor,
            kind=ANNUAL_REPORT,
            label=f"Annual report {data['year']}, {service_area_label(data['service_area']).lower()} "
            f"({data['format'].upper()})",
            params={
                "year": data["year"],
                "service_area": data["service_area"],
                "format": data["format"],
                "threshold": threshold,
            },
            national=True,
            back_url=reverse("reports:index"),
            total=3,
        )
        return redirect("jobs:progress", pk=job.public_id)
    runs = Paginator(annual_report_runs(), 20).get_page(request.GET.get("page"))
    on_public_page = published_for_runs([run.pk for run in runs])
    for run in runs:
        run.publication = on_public_page.get(run.pk)
    return render(
        request,
        "reporting/index.html",
        {"form": form, "runs": runs, "years": years, "threshold": disclosure_threshold()},
    )


def _report_page(request, *, published: bool):
    form, chosen, years = _chosen(request)
    tables, charts = [], {}
    threshold = disclosure_threshold()
    if chosen["year"]:
        figures = _figures(chosen, quality=False)
        tables = report_tables(figures, threshold=threshold, published=published)
        charts = report_charts(tables)
    return render(
        request,
        "reporting/registrations.html",
        {
            "form": form,
            "chosen": chosen,
            "years": years,
            "sections": [(table, charts.get(table.key)) for table in tables],
            "published": published,
            "threshold": threshold,
            "area_label": service_area_label(chosen["service_area"]),
            "hidden_count": sum(len(table.hidden_cells) for table in tables),
        },
    )


@national_view
@require_GET
def registrations(request):
    return _report_page(request, published=False)


@national_view
@require_GET
def registrations_published(request):
    return _report_page(request, published=True)


@national_view
@require_GET
def quality(request):
    form, chosen, years = _chosen(request)
    sections = []
    if chosen["year"]:
        tables = report_tables(
            _figures(chosen, quality=True), threshold=disclosure_threshold(), published=False
        )
        charts = report_charts(tables)
        sections = [(table, charts.get(table.key)) for table in tables if table.key in QUALITY_KEYS]
    return render(
        request,
        "reporting/quality.html",
        {"form": form, "chosen": chosen, "years": years, "sections": sections},
    )


@national_view
@require_GET
def table_csv(request, key: str):
    """One table as CSV: as published (``version=published``, the default) or exact (internal)."""
    if key not in TABLE_KEYS:
        raise Http404("No such table.")
    _, chosen, _ = _chosen(request)
    if not chosen["year"]:
        raise Http404("No registrations yet.")
    published = request.GET.get("version", "published") != "exact"
    figures = _figures(chosen, quality=key in QUALITY_KEYS)
    table = table_by_key(report_tables(figures, threshold=disclosure_threshold(), published=published), key)
    if table is None:
        raise Http404("No such table.")
    audit_record(
        actor=request.actor,
        action="reporting.table_downloaded",
        employer_id=None,
        changes={"table": key, **chosen, "version": "published" if published else "exact"},
    )
    response = HttpResponse(documents.table_csv(table), content_type=documents.CONTENT_TYPES["csv"])
    name = f"asye-{key.replace('_', '-')}-{chosen['year']}-{chosen['service_area'].replace('_', '-')}"
    suffix = "" if published else "-exact"
    response["Content-Disposition"] = f'attachment; filename="{name}{suffix}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response


@national_view
@require_http_methods(["GET", "POST"])
def disclosure(request):
    actor = request.actor
    rule = disclosure_rule()
    return form_page(
        request,
        DisclosureRuleForm(
            request.POST or None, initial={"threshold": rule.threshold, "version": rule.version}
        ),
        template="reporting/disclosure.html",
        context={"rule": rule},
        save=lambda data: disclosure_rule_update(
            actor=actor, threshold=data["threshold"], version=data["version"]
        ),
        done=lambda saved: redirect("reports:index"),
        message=lambda saved: f"Published tables now suppress counts below {saved.threshold}",
        current_version=lambda: disclosure_rule().version,
    )


@national_view
@require_GET
def run_download(request, pk):
    """A past run's file, for any national staff member (the report holds national figures only)."""
    job = annual_report_run_get(public_id=pk)
    try:
        content = job.result.open("rb").read()
    except FileNotFoundError:
        raise Http404("The file this run made is no longer kept.") from None
    audit_record(actor=request.actor, obj=job, action="job.result_downloaded", changes={"kind": job.kind})
    response = HttpResponse(content, content_type=job.result_content_type)
    response["Content-Disposition"] = f'attachment; filename="{job.result_filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@national_view
@require_GET
def report_json(request):
    """The internal JSON (as ``manage.py national_report --format json`` prints it): exact counts, and the
    cells a publication would suppress."""
    _, chosen, _ = _chosen(request)
    if not chosen["year"]:
        raise Http404("No registrations yet.")
    figures = annual_figures(year=chosen["year"], service_area=chosen["service_area"])
    body = annual_json(figures, threshold=disclosure_threshold())
    response = JsonResponse(body, json_dumps_params={"indent": 2, "default": str})
    response["Cache-Control"] = "private, no-store"
    return response
