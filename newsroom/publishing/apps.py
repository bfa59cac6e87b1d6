from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "newsroom.publishing"
    label = "publishing"
    verbose_name = "Publishing"
