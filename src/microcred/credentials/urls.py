from django.urls import path

from . import views

app_name = "credentials"
urlpatterns = [
    path(".well-known/did.json", views.did_document, name="did"),
    path("did.json", views.did_document, name="did_path"),
    path("credentials/status/<slug:slug>.json", views.status_list, name="status_list"),
    path("verify/", views.verify, name="verify"),
    path("verify/<uuid:uuid>/", views.verify_uuid, name="verify_uuid"),
    path("credentials/<uuid:uuid>.json", views.credential_json, name="json"),
    path("credentials/<uuid:uuid>.elm.json", views.credential_elm, name="elm"),
    path("credentials/<uuid:uuid>.pdf", views.credential_pdf, name="pdf"),
    path("credentials/<uuid:uuid>.png", views.credential_png, name="png"),
    path("credentials/<uuid:uuid>.svg", views.credential_svg, name="svg"),
]
