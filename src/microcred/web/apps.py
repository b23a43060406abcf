from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "microcred.web"
    label = "web"
    verbose_name = "microcred web"
