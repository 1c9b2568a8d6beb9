"""The portfolio pack: the whole portfolio as a PDF for the internal moderation panel and national
moderation, rendered by WeasyPrint from ``templates/portfolios/pack/``. It includes every review of the
registration (``reviews.review_record``): month, status, dates, outcome, the texts, the signatures and the
amendments, so the panel and the NQAP read the reviews with the evidence they quote.

WeasyPrint fetches what a document links to (stylesheets, images, fonts). ``StaticOnlyURLFetcher``
serves only files under the platform's own static directories and ``data:`` URLs; anything else (the
web, files elsewhere on the server, other schemes) is refused, so nothing a person typed into their
portfolio can make the server read a file or call a URL while rendering. Refusals are logged by
WeasyPrint and the resource is left out; the PDF still renders.

``portfolio_pack_pdf`` takes no actor: call it only from code that has already decided the reader may
see the portfolio (the pack view; the reviews app's moderation pages), in a tenant context that can
read its rows.

Packs are kept, by version. A pack's version is a digest of its HTML with the moment it was produced left
out: everything the pack shows (the portfolio's records, the reviews, names, dates, the templates), so any
change that would change the PDF makes a new version, and nothing else does. ``pack_cached`` works it out
(a fixed number of queries and a template render, no PDF); ``pack_store`` renders a version that is not
stored yet, off the web worker, in a background job (``portfolios/jobs.py``), and removes the
registration's older versions. Stored packs sit under the employer's prefix and are served only through
the pack view, which checks the reader as before.
"""

from __future__ import annotations

import datetime
import hashlib
import mimetypes
import posixpath
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils.text import slugify
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from asye import clock
from portfolios.models import Portfolio
from portfolios.selectors import PortfolioContents, portfolio_contents
from programmes.models import Registration

# The base URL of the pack's HTML: ``{% static %}`` paths resolve below it and are served from disk.
PACK_BASE_URL = "https://pack.asye.invalid/"
PACK_TEMPLATE = "portfolios/pack/pack.html"
# The pack's section headings, in order: every one is in every pack (tests check them).
SECTIONS = (
    "Contents",
    "Learning agreement",
    "Professional development plan",
    "Self-assessments",
    "Direct observations",
    "Reviews",
    "Feedback received",
    "Evidence index",
    "Reflections",
    "Capability coverage",
)


def static_roots() -> list[Path]:
    """The platform's static directories: STATICFILES_DIRS (``static/``, holding ``static/dist``) and
    each installed app's ``static/``."""
    roots = []
    for entry in settings.STATICFILES_DIRS:
        roots.append(Path(entry[1] if isinstance(entry, tuple | list) else entry))
    for app in apps.get_app_configs():
        roots.append(Path(app.path) / "static")
    return [root.resolve() for root in roots if root.is_dir()]


class StaticOnlyURLFetcher(URLFetcher):
    """Serve the platform's static files and data: URLs; refuse everything else."""

    def __init__(self, *args, **kwargs):
        kwargs["allowed_protocols"] = ("data", "file", "https")
        kwargs["allow_redirects"] = False
        super().__init__(*args, **kwargs)
        self.roots = static_roots()

    def fetch(self, url, headers=None):
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            return self._serve(Path(url2pathname(unquote(urlsplit(url).path))), url)
        static_prefix = PACK_BASE_URL.rstrip("/") + settings.STATIC_URL
        if url.startswith(static_prefix):
            relative = unquote(urlsplit(url).path)[len(settings.STATIC_URL) :]
            found = finders.find(relative) if relative and ".." not in Path(relative).parts else None
            if found:
                return self._serve(Path(found), url)
        raise ValueError(f"The portfolio pack may only use the platform's static files, not {url[:200]}")

    def _serve(self, path: Path, url: str) -> URLFetcherResponse:
        try:
            resolved = path.resolve(strict=True)
        except (OSError, RuntimeError):
            raise ValueError(f"No such static file: {url[:200]}") from None
        if not resolved.is_file() or not any(resolved.is_relative_to(root) for root in self.roots):
            raise ValueError(f"Not one of the platform's static files: {url[:200]}")
        content_type = mimetypes.guess_type(resolved.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, resolved.read_bytes(), {"Content-Type": content_type})


def pack_filename(registration: Registration) -> str:
    name = slugify(registration.full_name) or "nqsw"
    return f"asye-portfolio-{name}-{registration.pk}.pdf"


def portfolio_pack_html(contents: PortfolioContents, *, generated_at: datetime.datetime | None = None) -> str:
    """The pack's HTML, before it becomes a PDF, produced ``generated_at`` (default: now)."""
    # Imported here: the reviews app builds on portfolios, and only the pack reads the other way.
    from reviews.review_record import review_records

    return render_to_string(
        PACK_TEMPLATE,
        {
            "contents": contents,
            "reviews": review_records(contents.registration),
            "sections": SECTIONS,
            "generated_at": generated_at or clock.now(),
        },
    )


def render_pdf(html: str) -> bytes:
    return HTML(string=html, base_url=PACK_BASE_URL, url_fetcher=StaticOnlyURLFetcher()).write_pdf()


def portfolio_pack_pdf(portfolio: Portfolio) -> bytes:
    """The whole portfolio as a PDF (see the module's docstring for who may call this)."""
    return render_pdf(portfolio_pack_html(portfolio_contents(portfolio)))


# --- Kept packs, by version ----------------------------------------------------------------------------

# The "produced on" moment written into the HTML that a version digests, so that it is the same every time.
VERSION_MOMENT = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


def pack_version(contents: PortfolioContents) -> str:
    """A digest of everything the pack shows, but not when it was produced."""
    html = portfolio_pack_html(contents, generated_at=VERSION_MOMENT)
    return hashlib.sha256(html.encode("utf-8")).hexdigest()[:40]


def pack_storage_name(registration: Registration, version: str) -> str:
    return f"employers/{registration.employer_id}/packs/{registration.pk}/{version}.pdf"


@dataclass(frozen=True)
class CachedPack:
    name: str  # the storage name of this version's PDF
    stored: bool


def pack_cached(portfolio: Portfolio) -> CachedPack:
    """The storage name of the portfolio's pack as it is now, and whether it has been made."""
    contents = portfolio_contents(portfolio)
    name = pack_storage_name(contents.registration, pack_version(contents))
    return CachedPack(name=name, stored=default_storage.exists(name))


def pack_store(portfolio: Portfolio) -> str:
    """Make and keep the portfolio's pack as it is now, unless it is kept already; remove its older
    versions. Returns the storage name. As ``portfolio_pack_pdf``, for code that has decided the reader."""
    contents = portfolio_contents(portfolio)
    name = pack_storage_name(contents.registration, pack_version(contents))
    if not default_storage.exists(name):
        saved = default_storage.save(name, ContentFile(render_pdf(portfolio_pack_html(contents))))
        if saved != name:  # another job kept the same version first: keep that one
            default_storage.delete(saved)
    folder, kept = posixpath.split(name)
    _, files = default_storage.listdir(folder)
    for old in files:
        if old != kept:
            default_storage.delete(f"{folder}/{old}")
    return name
