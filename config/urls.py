from csp.decorators import csp_update
from django.contrib import admin
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView


def healthz(request):
    """For load balancers and the compose health check: the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


def healthz_queue(request):
    """For monitoring: 503 when a submission has waited too long (see competition.health)."""
    from competition.health import queue_health

    report = queue_health()
    return JsonResponse(report, status=200 if report["ok"] else 503)


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("healthz/queue", healthz_queue, name="healthz_queue"),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its script as a file, so no inline script runs on the docs page;
    # only its own inline <style> is allowed there.
    path(
        "api/docs/",
        csp_update({"style-src": ["'unsafe-inline'"]})(
            SpectacularSwaggerSplitView.as_view(url_name="schema")
        ),
        name="api_docs",
    ),
    path("api/", include("competition.api.urls")),
    path("accounts/", include("accounts.urls")),
    path("", include("discussion.urls")),
    path("", include("results.urls")),
    path("", include("competition.urls")),
]

handler400 = "competition.views.errors.bad_request"
handler403 = "competition.views.errors.permission_denied"
handler404 = "competition.views.errors.page_not_found"
handler500 = "competition.views.errors.server_error"
