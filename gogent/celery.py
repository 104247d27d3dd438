import os

from celery import Celery

from gogent import broker

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gogent.settings")
# gogentfs:// (the default broker): files under data/, written whole and claimed atomically.
broker.register()

app = Celery("gogent")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
