from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo loader: data files, drawn pictures and `manage.py load_demo`; no models."""

    name = "shop.demo"
    label = "demo"
