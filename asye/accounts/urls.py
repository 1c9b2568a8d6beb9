"""The team pages, invitations and choosing an employer, at the site root (namespace ``accounts``)."""

from django.urls import path

from asye.accounts import views

urlpatterns = [
    path("team/", views.team, name="team"),
    path("team/invite/", views.invite, name="invite"),
    path("team/invitations/<int:pk>/cancel/", views.revoke_invitation, name="revoke_invitation"),
    path("team/invitations/<int:pk>/send-again/", views.resend_invitation, name="resend_invitation"),
    path("team/members/<int:pk>/end/", views.end_membership, name="end_membership"),
    path("invitations/<str:secret>/", views.accept_invitation, name="accept_invitation"),
    path("choose-employer/", views.choose_employer, name="choose_employer"),
]
