from django.urls import path

from . import views

app_name = "gradebook"
instructor = "instructor/gradebook/"
privacy = "staff/privacy/"
urlpatterns = [
    path("me/credentials/", views.my_credentials, name="my_credentials"),
    path("me/data/", views.my_data, name="my_data"),
    path("me/data/export/", views.my_data_export, name="my_data_export"),
    path(instructor, views.instructor_index, name="instructor_index"),
    path(f"{instructor}<slug:slug>/", views.instructor_gradebook, name="instructor_gradebook"),
    path(f"{instructor}<slug:slug>/items/<int:pk>/", views.item_analysis, name="item_analysis"),
    path(
        f"{instructor}credentials/<uuid:uuid>/status/",
        views.credential_status,
        name="credential_status",
    ),
    path(f"{instructor}enrolments/<int:pk>/award/", views.request_award, name="request_award"),
    path(privacy, views.privacy_index, name="privacy_index"),
    path(f"{privacy}learners/<int:pk>/", views.privacy_learner, name="privacy_learner"),
    path(f"{privacy}learners/<int:pk>/export/", views.privacy_export, name="privacy_export"),
    path(f"{privacy}learners/<int:pk>/erase/", views.privacy_erase, name="privacy_erase"),
]
