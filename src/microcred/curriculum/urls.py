from django.urls import path

from . import views

app_name = "curriculum"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("courses/<slug:slug>/", views.course_page, name="course"),
    path(
        "courses/<slug:slug>/export/<slug:export_format>.jsonld", views.course_export, name="export"
    ),
]
