from django.apps import AppConfig


class ResultsConfig(AppConfig):
    name = "results"
    verbose_name = "Results analysis"

    def ready(self):
        from results import receivers  # noqa: F401
