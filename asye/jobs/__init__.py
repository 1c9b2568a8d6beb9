"""Background jobs: long work (exports, packs) run by Celery off the web worker, with a progress page."""
