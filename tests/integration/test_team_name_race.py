"""Two participants creating one team name at the same moment, on PostgreSQL (issue 12):
both pass the form's check, one insert wins, the other request gets the form's message
(it was an IntegrityError and a 500)."""

import threading

from django.db import connection
from django.test import Client

from competition.forms import TeamCreateForm
from competition.models import TAKEN_TEAM_NAME, Team
from tests.factories import make_competition, make_user


def test_racing_requests_for_one_team_name_one_wins_the_other_is_told(monkeypatch):
    competition = make_competition()
    users = [make_user("racer1"), make_user("racer2")]
    barrier = threading.Barrier(2, timeout=30)
    check = TeamCreateForm.clean_name

    def check_together(form):
        name = check(form)
        barrier.wait()  # both have seen the name free
        return name

    monkeypatch.setattr(TeamCreateForm, "clean_name", check_together)
    answers = {}

    def create(user, name):
        try:
            client = Client()
            client.force_login(user)
            response = client.post(
                f"/c/{competition.slug}/team/", {"action": "create", "new-name": name}
            )
            answers[user.username] = (response.status_code, response.content.decode())
        finally:
            connection.close()

    threads = [
        threading.Thread(target=create, args=(users[0], "Photo_Finish")),
        threading.Thread(target=create, args=(users[1], "PHOTO_FINISH")),  # a look-alike
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    codes = sorted(code for code, _ in answers.values())
    assert codes == [302, 400]
    loser = next(body for code, body in answers.values() if code == 400)
    assert TAKEN_TEAM_NAME in loser
    assert Team.objects.filter(competition=competition).count() == 1
