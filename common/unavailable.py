"""The database restarts: a clear 503 page in the portal's layout instead of a traceback.

``DatabaseUnavailableMiddleware`` answers a view's ``OperationalError`` / ``InterfaceError`` (the
database refused the connection or dropped it mid-request); ``server_error`` (``handler500``) does the
same for one raised by a middleware (the session or the user loaded before the view). The page is
rendered without the request: no user, no menu, nothing that needs the database.

The transaction of a request that fails this way is rolled back by PostgreSQL, so nothing is half
written; Django closes the broken connection at the end of the request and the next request opens a
new one (``CONN_HEALTH_CHECKS`` checks a persistent connection before reusing it): the portal recovers
by itself when the database is back.
"""

import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.template import loader

log = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def unavailable_response() -> HttpResponse:
    body = loader.get_template("503.html").render({"portal_name": settings.PORTAL_NAME})
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            log.error("database unavailable (%s %s): %s", request.method, request.path, exception)
            return unavailable_response()
        return None


def server_error(request):
    """``handler500``: the 503 page when the error is the database's, else the usual 500 page."""
    if isinstance(sys.exc_info()[1], DATABASE_ERRORS):
        return unavailable_response()
    return HttpResponseServerError(loader.get_template("500.html").render())
