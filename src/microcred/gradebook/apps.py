from django.apps import AppConfig


class GradebookConfig(AppConfig):
    name = "microcred.gradebook"
    label = "gradebook"
    verbose_name = "Gradebook"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import signals

        signals.connect()
