import os

from celery import Celery

from gogent import broker

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gogent.settings")
# filesystem:// (the default broker) with whole-file writes and atomic claims.
broker.register()

app = Celery("gogent")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
