import logging

from django.apps import AppConfig


class FilesConfig(AppConfig):
    """Uploaded files: the limits on request bodies and the virus scanner (ClamAV)."""

    name = "asye.files"
    label = "files"

    def ready(self):
        from asye.files import checks
        from asye.files.clamav import configured_url

        if not configured_url() and not checks.relaxed():
            logging.getLogger("asye.files").warning(checks.NOT_CONFIGURED)
