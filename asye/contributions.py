"""What the domain apps add to the cross-cutting apps' pages and lists.

``asye/`` never imports a domain app. Where a cross-cutting page or list has parts that belong to domain
apps (navigation entries, home-page sections, API routes), each app writes them in a module of its own, and
``settings.ASYE_CONTRIBUTIONS`` lists those modules by kind, as ``INSTALLED_APPS`` lists the apps: the
settings and the root URLconf are the project's wiring, the only places of ``asye/`` that name domain apps.

- ``navigation``: ``<app>/navigation.py``, ``nav_items(actor) -> [{"label", "url", "section"}]``, read by
  ``asye.web.navigation`` (sections: see there);
- ``home_sections``: ``<app>/home.py``, ``home_sections(actor) -> [asye.web.home_sections.HomeSection]``,
  read by ``asye.web.views.home``;
- ``api_routes``: ``<app>/api_routes.py``, ``ROUTES = [(prefix, viewset, basename)]``, registered on the one
  router of ``asye.api.urls`` (under ``/api/v1/``), and optionally ``PATHS = [django.urls.path(...)]`` for
  single views (the national endpoints);
- ``job_kinds``: ``<app>/jobs.py``, ``JOB_KINDS = [asye.jobs.kinds.JobKind]``, the background jobs
  ``asye.jobs`` runs (exports, packs);
- ``reminders``: ``<app>/reminders.py``, ``SCANS = [asye.notifications.reminders.Scan]``, the reminder scans
  ``asye.notifications`` runs daily or weekly;
- ``membership_created``: ``<app>/welcome.py``, ``membership_created(user_id=, employer_id=, role=)``,
  called by ``asye.accounts.welcome`` once the transaction that gave a person a role commits;
- ``audit_sentences``: ``<app>/audit_sentences.py``, ``SENTENCES = {action: "approved the claim"}``, the
  words of the readable audit trail (``asye.audit.readable``);
- ``retention``: ``<app>/retention.py``, ``PARTS = [asye.retention.RetentionPart]``, each app's share of
  anonymising people four years after their registration ended (``reporting.retention`` runs them);
- ``national_overview``: ``<app>/overview.py``, ``overview_sections(actor=, params=) -> [{"template",
  "context"}]``, the sections of national staff's overview (``asye.web.national_views.overview``).
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

from django.conf import settings


def contributions(kind: str) -> list[ModuleType]:
    """The modules that contribute to ``kind``, in the order the settings list them."""
    return [import_module(name) for name in settings.ASYE_CONTRIBUTIONS.get(kind, ())]
