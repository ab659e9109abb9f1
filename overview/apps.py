from django.apps import AppConfig


class OverviewConfig(AppConfig):
    """The top floor: pages, demo data and benchmarks that compose every domain app.

    Nothing below imports this app; it may import any of them.
    """

    name = "overview"
    verbose_name = "Overview"
