from celery import shared_task
from django.core.management import call_command


@shared_task(acks_late=True)
def clear_expired_sessions() -> None:
    """Delete sessions past their expiry (Django does not on its own)."""
    call_command("clearsessions")
