"""The registration pages (included at /registrations/, namespace programmes)."""

from django.urls import path

from asye.web.routes import spreadsheet_downloads
from programmes import correction_views, download_views, register_views, transfer_views, views

urlpatterns = [
    path("", views.registration_list_view, name="list"),
    # The list as a spreadsheet, with the filters and search of the page (no object in the path).
    *spreadsheet_downloads("registrations", download_views.registrations_download, "list"),
    # Registering an NQSW: one question a page, then check your answers. Each page has its own address
    # (no captured step), so no route here addresses an object by id.
    path("new/", register_views.register_start, name="register"),
    *[
        path(f"new/{step.slug}/", register_views.register_step, {"step": step.slug}, name=step.url_name)
        for step in register_views.STEPS
    ],
    path("new/check/", register_views.register_check, name="register_check"),
    path("new/confirmation/", register_views.register_confirmation, name="register_confirmation"),
    path("<int:pk>/", views.registration_detail, name="detail"),
    path("<int:pk>/change/", views.registration_change, name="change"),
    # Correcting the name, number or dates with a reason: the question, then check your answers.
    path("<int:pk>/correct/", correction_views.registration_correct_view, name="correct"),
    path("<int:pk>/correct/check/", correction_views.registration_correct_check, name="correct_check"),
    path("<int:pk>/defer/", views.registration_defer, name="defer"),
    path("<int:pk>/resume/", views.registration_resume, name="resume"),
    path("<int:pk>/extend/", views.registration_extend, name="extend"),
    path("<int:pk>/withdraw/", views.registration_withdraw, name="withdraw"),
    path("<int:pk>/transfer/", transfer_views.transfer_request, name="transfer"),
    path("<int:pk>/assessor/", views.registration_assessor, name="assessor"),
    path("<int:pk>/line-manager/", views.registration_line_manager, name="line_manager"),
    # Transfers between employers: the receiver's incoming requests, and the sender's cancel.
    path("transfers/", transfer_views.transfers_incoming, name="transfers_incoming"),
    path("transfers/<int:pk>/", transfer_views.transfer_incoming_detail, name="transfer_incoming"),
    path("transfers/<int:pk>/accept/", transfer_views.transfer_accept, name="transfer_accept"),
    path("transfers/<int:pk>/decline/", transfer_views.transfer_decline, name="transfer_decline"),
    path("transfers/<int:pk>/cancel/", transfer_views.transfer_cancel, name="transfer_cancel"),
]
