"""Portfolios' background jobs (``settings.ASYE_CONTRIBUTIONS["job_kinds"]``): making the portfolio pack
off the web worker (``portfolios.pack.pack_store``). The finished job sends the reader back to the pack's
own address, which checks them again and serves the kept PDF. ``run_pack`` also makes the NQAP moderation
pack (``reviews.jobs``): the same PDF, kept the same way."""

from __future__ import annotations

from django.urls import reverse

from asye.jobs.kinds import JobError, JobKind, JobOutput
from portfolios.models import Portfolio
from portfolios.pack import pack_filename, pack_store
from programmes.models import Registration

PORTFOLIO_PACK = "portfolios.pack"


def run_pack(job, progress) -> JobOutput:
    """The pack of ``job.params["portfolio_id"]``, kept for the job's result. Runs in the employer's tenant
    context, or the system national context for a moderation pack; whoever started it may read the
    portfolio (the pack view checked, and checks again when it serves the result)."""
    portfolio = Portfolio.objects.filter(pk=job.params["portfolio_id"]).first()
    if portfolio is None:
        raise JobError("This portfolio is no longer available.")
    progress(0, 1)
    name = pack_store(portfolio)
    progress(1, 1)
    registration = Registration.objects.get(pk=portfolio.registration_id)
    return JobOutput(filename=pack_filename(registration), content_type="application/pdf", stored_name=name)


def pack_url(job) -> str:
    return reverse("portfolios:pack", args=[job.params["registration_id"]])


JOB_KINDS = [JobKind(PORTFOLIO_PACK, run_pack, result_url=pack_url, title="Portfolio pack")]
