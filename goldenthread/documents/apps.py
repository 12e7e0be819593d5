from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    """Files out (PDF, Word) and, later, in. No models: an app only so that Django finds
    its print templates."""

    name = "goldenthread.documents"
    label = "documents"
