"""The project's URLs plus the credentials app's (until web/urls.py includes them)."""

from django.urls import include, path

from microcred.web.urls import urlpatterns as web_urlpatterns

urlpatterns = [
    *web_urlpatterns,
    path("", include("microcred.credentials.urls")),
]
