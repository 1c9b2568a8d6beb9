"""forums: the pages of people who take part (/forums/)."""

from django.urls import path

from forums import views

urlpatterns = [
    path("", views.forum_list, name="list"),
    path("my-cpd/", views.my_cpd, name="cpd"),
    path("your-people/", views.employer_attendance, name="employer_attendance"),
    path("sessions/<int:pk>/", views.session_detail, name="session"),
    path("sessions/<int:pk>/sign-up/", views.session_sign_up, name="sign_up"),
    path("sessions/<int:pk>/cancel/", views.session_cancel, name="cancel"),
    path("sessions/<int:pk>/poll/", views.session_poll, name="poll"),
    path("materials/<int:pk>/", views.material_download, name="material"),
    path("<slug:slug>/", views.forum_detail, name="forum"),
    path("<slug:slug>/join/", views.forum_join, name="join"),
    path("<slug:slug>/leave/", views.forum_leave, name="leave"),
]
