from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "goldenthread.demo"
    label = "demo"
    verbose_name = "Golden Thread demo"
