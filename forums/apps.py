"""National forums, GEMS, drop-ins, courses and action learning sets: sessions, sign-ups, attendance,
invitations, reminders and feedback polls."""

from django.apps import AppConfig


class ForumsConfig(AppConfig):
    name = "forums"
