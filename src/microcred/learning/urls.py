from django.urls import path

from . import views

app_name = "learning"
lesson = "learn/<slug:slug>/<slug:module>/<slug:lesson>/"
urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("courses/<slug:slug>/enrol/", views.enrol, name="enrol"),
    path("learn/<slug:slug>/", views.outline, name="outline"),
    path("learn/<slug:slug>/withdraw/", views.withdraw, name="withdraw"),
    path(
        "learn/<slug:slug>/<slug:module>/resources/<slug:kind>/",
        views.module_resource,
        name="module_resource",
    ),
    path(lesson, views.lesson, name="lesson"),
    path(f"{lesson}complete/", views.lesson_completion, name="lesson_completion"),
    path("enrolments/<int:pk>/evidence/", views.evidence, name="evidence"),
    path("instructor/enrolments/", views.review_queue, name="review_queue"),
    path("instructor/enrolments/<int:pk>/review/", views.review, name="review"),
    path("staff/courses/<slug:slug>/team/", views.team, name="team"),
    path("staff/courses/<slug:slug>/team/remove/", views.team_remove, name="team_remove"),
]
