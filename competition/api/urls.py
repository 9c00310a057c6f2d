from django.urls import path

from competition.api import systems, views

app_name = "api"

PHASE = "competitions/<slug:slug>/phases/<str:phase>/"

urlpatterns = [
    path("competitions/", views.CompetitionListView.as_view(), name="competitions"),
    path("competitions/<slug:slug>/", views.CompetitionView.as_view(), name="competition"),
    path(PHASE, views.PhaseView.as_view(), name="phase"),
    path(PHASE + "submissions/", views.PhaseSubmissionsView.as_view(), name="submissions"),
    path(PHASE + "leaderboard/", views.LeaderboardView.as_view(), name="leaderboard"),
    path(
        PHASE + "sample_submission/",
        views.SampleSubmissionView.as_view(),
        name="sample_submission",
    ),
    path(
        PHASE + "teams/<path:team>/systems/<path:system_name>/description/",
        systems.DescriptionView.as_view(),
        name="description",
    ),
    path(PHASE + "census/", systems.CensusView.as_view(), name="census"),
    path("competitions/<slug:slug>/resources/", systems.ResourcesView.as_view(), name="resources"),
    path("competitions/<slug:slug>/report/", systems.ReportView.as_view(), name="report"),
    path("submissions/<int:submission_id>/", views.SubmissionView.as_view(), name="submission"),
    path("submissions/<int:submission_id>/select/", views.SelectView.as_view(), name="select"),
    path(
        "submissions/<int:submission_id>/unselect/",
        views.UnselectView.as_view(),
        name="unselect",
    ),
    path(
        "submissions/<int:submission_id>/file/",
        views.SubmissionFileView.as_view(),
        name="submission_file",
    ),
]
