from django.apps import AppConfig


class PortfoliosConfig(AppConfig):
    name = "portfolios"

    def ready(self):
        # Observations and the learning agreement are timeline work (programmes does not import portfolios).
        from portfolios.progress_sources import portfolio_work
        from programmes.work_sources import register_work_source

        register_work_source(portfolio_work)
