import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jinbao_service.settings.production")

application = get_wsgi_application()

from common import pdf  # noqa: E402 - after the application is loaded

# Each gunicorn worker registers the PDF font when it starts (~130 ms), not in a user's first download.
pdf.warm_up()

# The loaded application (modules, settings, URL patterns, models: hundreds of thousands of objects
# that live as long as the worker) is moved out of the garbage collector's sight (issue 14): a full
# collection scanned them all, a pause of ~80 ms in about one request of 150 on the request list
# (scripts/bench.py measures with the same freeze). Objects made later are collected as usual.
gc.freeze()
