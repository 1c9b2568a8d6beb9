"""The reviews app's background jobs (``settings.ASYE_CONTRIBUTIONS["job_kinds"]``): the NQAP moderation
pack of a case, for a portfolio of more records than ``settings.ASYE_PACK_JOB_THRESHOLD``
(``reviews.moderation_views.cases.my_case_pack``). A national job: it runs in the system national context,
keeps the pack as the portfolio pack does (``portfolios.pack.pack_store``), and sends the moderator back to
the case's pack address, which checks them again and serves the kept PDF."""

from __future__ import annotations

from django.urls import reverse

from asye.jobs.kinds import JobKind
from portfolios.jobs import run_pack

MODERATION_PACK = "reviews.moderation_pack"


def moderation_pack_url(job) -> str:
    return reverse("moderation:my_case_pack", args=[job.params["case_id"]])


JOB_KINDS = [
    JobKind(
        MODERATION_PACK,
        run_pack,  # whoever started it is the case's moderator (the pack view checked, and checks again)
        result_url=moderation_pack_url,
        title="NQAP moderation pack",
    )
]
