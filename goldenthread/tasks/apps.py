from django.apps import AppConfig


class TasksConfig(AppConfig):
    name = "goldenthread.tasks"
    label = "gt_tasks"
    verbose_name = "Background tasks"
