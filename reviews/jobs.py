"""The reviews app's background jobs (``settings.ASYE_CONTRIBUTIONS["job_kinds"]``): the NQAP moderation
pack of a case, for a portfolio of more records than ``settings.ASYE_PACK_JOB_THRESHOLD``
(``reviews.moderation_views.cases.my_case_pack``). A national job: it runs in the system national context,
keeps the pack as the portfolio pack does (``portfolios.pack.pack_store``), and sends the moderator back to
the case's pack address, which checks them again and serves the kept PDF."""

from __future__ import annotations

from django.urls import reverse

from asye.jobs.kinds import JobError, JobKind, JobOutput
from portfolios.models import Portfolio
from portfolios.pack import pack_filename, pack_store
from programmes.models import Registration

MODERATION_PACK = "reviews.moderation_pack"


def run_moderation_pack(job, progress) -> JobOutput:
    """Whoever started it is the case's moderator (the pack view checked); the pack view checks again."""
    portfolio = Portfolio.objects.filter(pk=job.params["portfolio_id"]).first()
    if portfolio is None:
        raise JobError("This portfolio is no longer available.")
    progress(0, 1)
    name = pack_store(portfolio)
    progress(1, 1)
    registration = Registration.objects.get(pk=portfolio.registration_id)
    return JobOutput(filename=pack_filename(registration), content_type="application/pdf", stored_name=name)


def moderation_pack_url(job) -> str:
    return reverse("moderation:my_case_pack", args=[job.params["case_id"]])


JOB_KINDS = [
    JobKind(
        MODERATION_PACK,
        run_moderation_pack,
        result_url=moderation_pack_url,
        title="NQAP moderation pack",
    )
]
