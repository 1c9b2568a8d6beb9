from django.contrib.admin.apps import AdminConfig


class NationalAdminConfig(AdminConfig):
    default_site = "asye.web.admin_site.NationalAdminSite"
