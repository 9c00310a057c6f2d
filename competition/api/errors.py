"""Every API error answers JSON {"errors": [...]}: a client never parses an HTML page,
whatever failed (a refused request, a throttle, a lost database, a bug)."""

import logging

from django.db import DatabaseError
from django.http import JsonResponse
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

log = logging.getLogger(__name__)

SERVER_ERROR = "Something went wrong on the server; nothing was stored. Please try again."
UNAVAILABLE = "The server is busy for a moment; nothing was stored. Please try again."


def messages(detail) -> list[str]:
    """DRF's error detail (a string, a list or a dict of fields) as plain sentences."""
    if isinstance(detail, dict):
        out = []
        for field, value in detail.items():
            prefix = "" if field in ("detail", "non_field_errors") else f"{field}: "
            out += [prefix + message for message in messages(value)]
        return out
    if isinstance(detail, list):
        return [message for item in detail for message in messages(item)]
    return [str(detail)]


def exception_handler(exc, context):
    response = drf_exception_handler(exc, context)
    if response is not None:
        response.data = {"errors": messages(response.data)}
        return response
    set_rollback()
    if isinstance(exc, DatabaseError):
        log.warning("API request failed on the database: %s", exc)
        return Response(
            {"errors": [UNAVAILABLE]},
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": "1"},
        )
    log.error("API request failed", exc_info=exc)
    return Response({"errors": [SERVER_ERROR]}, status=status.HTTP_500_INTERNAL_SERVER_ERROR)


def is_api(request) -> bool:
    return request.path.startswith("/api/")


def json_error(message: str, code: int) -> JsonResponse:
    return JsonResponse({"errors": [message]}, status=code)
