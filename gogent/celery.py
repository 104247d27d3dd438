import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gogent.settings")

app = Celery("gogent")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
