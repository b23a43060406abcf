from django.urls import include, path
from django.views.i18n import set_language

from microcred.web import views

urlpatterns = [
    path("i18n/setlang/", set_language, name="set_language"),
    path("accounts/", include("microcred.accounts.urls")),
    path("demo/mailbox/", views.demo_mailbox, name="demo_mailbox"),
    path("", include("microcred.learning.urls")),
    path("", include("microcred.assessment.urls")),
    path("", include("microcred.gradebook.urls")),
    path("", include("microcred.curriculum.urls")),
    path("", include("microcred.credentials.urls")),
]
