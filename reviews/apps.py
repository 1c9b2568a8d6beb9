from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"

    def ready(self):
        # The reviews and the panel's decisions are timeline work (programmes does not import reviews).
        from programmes.work_sources import register_work_source
        from reviews.progress_sources import review_work

        register_work_source(review_work)
