from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "microcred.learning"
    label = "learning"
    verbose_name = "Learning"
