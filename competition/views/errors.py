"""Error pages in the site's style, and JSON under /api/. The 500 page is Django's default
handler rendering templates/500.html with no context, so nothing that failed can fail it
again."""

from django.core.exceptions import RequestDataTooBig
from django.shortcuts import render
from django.views import defaults

from competition.api.errors import SERVER_ERROR, is_api, json_error
from competition.upload_handlers import too_large_message


def bad_request(request, exception=None):
    message = None
    if isinstance(exception, RequestDataTooBig):
        message = too_large_message(getattr(request, "upload_too_large", None))
    if is_api(request):
        return json_error(message or "The request could not be read.", 400)
    return render(request, "400.html", {"message": message}, status=400)


def permission_denied(request, exception=None):
    if is_api(request):
        return json_error("You do not have permission to do this.", 403)
    return render(request, "403.html", {}, status=403)


def page_not_found(request, exception=None):
    if is_api(request):
        return json_error("Not found.", 404)
    return render(request, "404.html", {}, status=404)


def server_error(request):
    if is_api(request):
        return json_error(SERVER_ERROR, 500)
    return defaults.server_error(request)


def csrf_failure(request, reason=""):
    message = "The form had expired or came from another site. Go back, reload it and retry."
    return render(request, "403.html", {"message": message}, status=403)
