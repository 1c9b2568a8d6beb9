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
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles import finders
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


def portfolio_pack_html(contents: PortfolioContents) -> str:
    """The pack's HTML, before it becomes a PDF."""
    # Imported here: the reviews app builds on portfolios, and only the pack reads the other way.
    from reviews.review_record import review_records

    return render_to_string(
        PACK_TEMPLATE,
        {
            "contents": contents,
            "reviews": review_records(contents.registration),
            "sections": SECTIONS,
            "generated_at": clock.now(),
        },
    )


def render_pdf(html: str) -> bytes:
    return HTML(string=html, base_url=PACK_BASE_URL, url_fetcher=StaticOnlyURLFetcher()).write_pdf()


def portfolio_pack_pdf(portfolio: Portfolio) -> bytes:
    """The whole portfolio as a PDF (see the module's docstring for who may call this)."""
    return render_pdf(portfolio_pack_html(portfolio_contents(portfolio)))
