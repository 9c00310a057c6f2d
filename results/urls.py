from django.urls import path

from results import views

urlpatterns = [
    path("c/<slug:slug>/results/<str:kind>/", views.results_page, name="results"),
    path(
        "c/<slug:slug>/results/<str:kind>/<str:name>.<str:fmt>",
        views.figure,
        name="results_figure",
    ),
    path(
        "c/<slug:slug>/results/<str:kind>/recompute/",
        views.recompute,
        name="results_recompute",
    ),
]
