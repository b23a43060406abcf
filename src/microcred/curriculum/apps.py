from django.apps import AppConfig


class CurriculumConfig(AppConfig):
    name = "microcred.curriculum"
    label = "curriculum"
    verbose_name = "Curriculum"
