"""System checks that say whether uploaded files are scanned for viruses (``manage.py check``)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Info, Tags, Warning, register

from asye.files.clamav import ClamdAddress, configured_url, fail_open

NOT_CONFIGURED = (
    "No virus scanner is configured: uploaded evidence is stored without being scanned. Set ASYE_CLAMAV_URL "
    "to a ClamAV daemon (tcp://host:3310 or unix:///path/to/clamd.ctl)."
)


def relaxed() -> bool:
    return bool(settings.DEBUG or getattr(settings, "TESTING", False))


@register(Tags.security)
def virus_scanner_configured(app_configs=None, **kwargs):
    url = configured_url()
    if not url:
        hint = "See docs/operations.md, 'Virus scanning'."
        if relaxed():
            return [Info(NOT_CONFIGURED, hint=hint, id="asye.files.I001")]
        return [Warning(NOT_CONFIGURED, hint=hint, id="asye.files.W001")]
    try:
        ClamdAddress.parse(url)
    except ValueError as error:
        return [Error(str(error), id="asye.files.E001")]
    return []


@register(Tags.security, deploy=True)
def virus_scanner_fails_closed(app_configs=None, **kwargs):
    if configured_url() and fail_open():
        return [
            Warning(
                "ASYE_CLAMAV_FAIL_OPEN is on: when the virus scanner cannot be reached, uploads are stored "
                "unscanned.",
                hint="Unset it in production: uploads are then refused until the scanner is back.",
                id="asye.files.W002",
            )
        ]
    return []
