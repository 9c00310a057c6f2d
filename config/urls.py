from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api_docs"),
    path("api/", include("competition.api.urls")),
    path("", include("competition.urls")),
]

handler400 = "competition.views.errors.bad_request"
handler403 = "competition.views.errors.permission_denied"
handler404 = "competition.views.errors.page_not_found"
