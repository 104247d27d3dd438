from django.apps import AppConfig


class GogentConfig(AppConfig):
    name = "gogent"
    verbose_name = "Gogent"
