"""The service navigation: at most six sections for any person, by the jobs people do, and the pages of the
section they are in.

Every entry is ``{"label", "url", "section"}``: the core entries below, and each domain app's from
``<app>/navigation.py`` (listed in ``settings.ASYE_CONTRIBUTIONS["navigation"]``). ``section`` is one of
``section_labels()``; an app's entry without one (or with one unknown) goes to its app's section. The sections
and their mappings name domain apps, so they are settings (``settings.ASYE_NAVIGATION``). The header shows
one link per section: to the section's landing page (``/sections/<key>/``, ``asye.web.views.section_page``),
which lists the section's pages, when the section has more than one; else to its only entry. Home has no
landing page: the home page is where its entries are listed. The section the page belongs to shows its
entries as sub-navigation (``templates/govuk/_sub_navigation.html``), led by "Overview", the landing page.

Eight sections exist but nobody sees more than six: a person with both employer and national roles has
"Registrations" folded into "NQSWs" and, if still needed, "Moderation" into "Reviews" (``folds()``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.urls import reverse

from asye.accounts.models import Role
from asye.contributions import contributions

MAX_SECTIONS = 6


LABELS = {"nqsws": "NQSWs"}  # the others are their key with a capital letter

# What the core entries are for, on their section's landing page; an app's entry may say its own
# (``"description"``).
DESCRIPTIONS = {
    "Registrations": "Every NQSW you can see and what is due next: search, filter and download.",
    "My programme": "Your programme: what is due, supervision, protected time and support.",
    "Support needs": "Reasonable adjustments and Access to Work requests, longest waiting first.",
    "Registrations to review": "Registrations waiting for a funding decision or a national review.",
    "Employers": "Every employer on the service and their registrations.",
}


def section_labels() -> dict[str, str]:
    """Every section's label by key, in header order (settings.ASYE_NAVIGATION["sections"])."""
    return {key: LABELS.get(key, key.capitalize()) for key in settings.ASYE_NAVIGATION["sections"]}


def folds() -> dict[str, str]:
    """The sections that fold into another while a person would see more than MAX_SECTIONS, in order."""
    return settings.ASYE_NAVIGATION["folds"]


@dataclass
class NavItem:
    label: str
    url: str
    section: str
    current: str = ""  # "page" on the entry's own page, "true" on a page within it, else ""
    description: str = ""  # what the entry is for, on the section's landing page (optional)


@dataclass
class NavSection:
    key: str
    label: str
    items: list[NavItem] = field(default_factory=list)
    current: str = ""
    landing: str = ""  # the section's landing page, when it has one (more than one entry, not Home)

    @property
    def url(self) -> str:
        return self.landing or self.items[0].url


@dataclass
class Navigation:
    sections: list[NavSection]

    @property
    def active(self) -> NavSection | None:
        return next((section for section in self.sections if section.current), None)

    def __bool__(self) -> bool:
        return bool(self.sections)

    def __len__(self) -> int:
        return len(self.sections)

    def __iter__(self):
        return iter(self.sections)


def nav_entry(label: str, url_name: str, section: str, **more: str) -> dict:
    """One entry of a ``nav_items`` list: ``label``, leading to the page named ``url_name``, in
    ``section``; ``more`` gives the optional keys (``description``)."""
    return {"label": label, "url": reverse(url_name), "section": section, **more}


def core_items(actor) -> list[dict]:
    """The entries of the cross-cutting apps: home, the employer's registrations and team, national lists."""
    items = [nav_entry("Home", "home", "home")]
    employer_staff = bool(
        actor.employer_id and actor.has_role(Role.COORDINATOR, Role.ASSESSOR, Role.LINE_MANAGER)
    )
    if employer_staff:
        items.append(nav_entry("Registrations", "programmes:list", "nqsws"))
    if actor.employer_id and actor.has_role(Role.NQSW):
        items.append(nav_entry("My programme", "support:my_programme", "nqsws"))
    if actor.employer_id and actor.has_role(Role.COORDINATOR):
        items += [
            nav_entry("Support needs", "support:needs", "nqsws"),
            nav_entry("Team", "accounts:team", "home"),
            nav_entry("Audit trail", "audit:list", "home"),
            nav_entry("API tokens", "api_tokens:list", "home"),
        ]
    if actor.is_national_staff:
        items += [
            nav_entry("Registrations to review", "national_registrations:list", "registrations"),
            nav_entry("Employers", "national:employers", "registrations"),
            nav_entry("National audit", "national:audit", "home"),
            nav_entry("National API tokens", "national_api_tokens:list", "home"),
            nav_entry("Scheduled jobs", "schedules:list", "home"),
        ]
    return items


def all_items(actor) -> list[NavItem]:
    """Every entry the actor may use, each with a known section."""
    entries = [(item, "") for item in core_items(actor)]
    for module in contributions("navigation"):
        app = module.__name__.split(".")[0]
        entries += [(item, app) for item in module.nav_items(actor)]
    result = []
    for item, app in entries:
        section = item.get("section")
        if section not in section_labels():
            section = (
                app if app in section_labels() else settings.ASYE_NAVIGATION["app_sections"].get(app, "home")
            )
        result.append(
            NavItem(
                label=item["label"],
                url=item["url"],
                section=section,
                description=item.get("description") or DESCRIPTIONS.get(item["label"], ""),
            )
        )
    return result


def _section_label(key: str, actor) -> str:
    if key == "nqsws" and not (
        actor.is_national_staff or actor.has_role(Role.COORDINATOR, Role.ASSESSOR, Role.LINE_MANAGER)
    ):
        return "My programme"  # an NQSW's own programme, portfolio and support
    return section_labels()[key]


def build_navigation(actor, *, path: str, namespace: str = "") -> Navigation:
    """The actor's sections in header order, with the current section and entry marked for ``path``."""
    if actor is None or not actor.is_authenticated:
        return Navigation(sections=[])
    items = all_items(actor)
    for folded, into in folds().items():  # one fold at a time, only as many as it takes
        if len({item.section for item in items}) <= MAX_SECTIONS:
            break
        for item in items:
            if item.section == folded:
                item.section = into
    by_key: dict[str, NavSection] = {}
    for key in section_labels():
        members = [item for item in items if item.section == key]
        if members:
            label = _section_label(key, actor)
            # The entry named like its section leads it (the header's "Forums" goes to the forums page,
            # not to surveys filed under forums); the others keep their order.
            members.sort(key=lambda item: item.label != label)
            landing = reverse("section", args=[key]) if len(members) > 1 and key != "home" else ""
            by_key[key] = NavSection(key=key, label=label, items=members, landing=landing)
    sections = list(by_key.values())

    # The current entry is the one with the longest URL that the path starts with (so /reviews/panels/ is
    # the panel's entry, not also the reviews'); "/" is only the home page's own.
    matches = [item for item in items if path == item.url or (item.url != "/" and path.startswith(item.url))]
    current_item = max(matches, key=lambda item: len(item.url)) if matches else None
    on_landing = next((section for section in sections if section.landing == path), None)
    if on_landing is not None:
        active_key = on_landing.key
    elif current_item is not None:
        current_item.current = "page" if path == current_item.url else "true"
        active_key = current_item.section
    else:
        # By namespace ("portfolios"), or by the app or section it is named after ("national_funding").
        name = namespace.split(":")[0] if namespace else ""
        bare = name.removeprefix("national_")
        known = settings.ASYE_NAVIGATION["app_sections"] | settings.ASYE_NAVIGATION["namespace_sections"]
        section = known.get(name) or known.get(bare) or (bare if bare in section_labels() else None)
        while section in folds() and section not in by_key:
            section = folds()[section]
        active_key = section
    if active_key in by_key:
        active = by_key[active_key]
        active.current = "page" if path == active.url else "true"
    return Navigation(sections=sections)
