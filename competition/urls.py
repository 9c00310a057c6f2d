from django.contrib.auth import views as auth_views
from django.urls import path, re_path

from competition.views import (
    accounts,
    downloads,
    leaderboards,
    pages,
    submissions,
    systems,
    teams,
)

PARTITION = r"(?P<partition>train|validation|test)"

urlpatterns = [
    path("", pages.home, name="home"),
    # Accounts: only the views this site has templates for (no e-mail password reset).
    path("accounts/signup/", accounts.signup, name="signup"),
    path("accounts/login/", accounts.SiteLoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("c/<slug:slug>/", pages.overview, name="competition"),
    path("c/<slug:slug>/team/", teams.team, name="team"),
    path("c/<slug:slug>/submit/", submissions.submit, name="submit"),
    path("c/<slug:slug>/systems/", systems.my_systems, name="my_systems"),
    path(
        "c/<slug:slug>/description_template.yaml",
        systems.description_template,
        name="description_template",
    ),
    path(
        "c/<slug:slug>/phases/<str:kind>/teams/<path:team>/systems/<path:system_name>/",
        systems.system_page,
        name="system",
    ),
    path("c/<slug:slug>/teams/<path:team>/report.pdf", systems.report_file, name="report"),
    path("c/<slug:slug>/submissions/", submissions.my_submissions, name="my_submissions"),
    path(
        "c/<slug:slug>/leaderboard/<str:kind>/",
        leaderboards.board_page,
        name="leaderboard",
    ),
    path(
        "c/<slug:slug>/leaderboard/<str:kind>/download.<str:fmt>",
        leaderboards.board_download,
        name="leaderboard_download",
    ),
    re_path(
        r"^c/(?P<slug>[-\w]+)/data/(?P<filename>[a-z_]+\.csv)$",
        downloads.download_csv,
        name="download_csv",
    ),
    re_path(
        rf"^c/(?P<slug>[-\w]+)/data/{PARTITION}_wav\.zip$",
        downloads.download_audio,
        name="download_audio",
    ),
    re_path(
        rf"^c/(?P<slug>[-\w]+)/data/wav/{PARTITION}/(?P<wav_file_name>[\w-]+\.wav)$",
        downloads.download_wav,
        name="download_wav",
    ),
    path("submissions/<int:submission_id>/", submissions.submission_detail, name="submission"),
    path(
        "submissions/<int:submission_id>/final/",
        submissions.select_final,
        name="select_final",
    ),
    path(
        "submissions/<int:submission_id>/file/",
        submissions.submission_file,
        name="submission_file",
    ),
]
