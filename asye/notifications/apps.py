from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "asye.notifications"
    label = "notifications"
    verbose_name = "Notifications, the outbox and reminders"
