"""The competition's named users and objects (alice, bob, olga, ...), and a record of the
tasks the accounts app queues: nothing is sent in a test until it runs them, as a worker
would."""

import pytest

from accounts import mail
from tests.competition.conftest import *  # noqa: F403
from tests.competition.conftest import _isolated  # noqa: F401  (autouse; * skips it)


class Queue(list):
    def run(self):
        """Run what was queued (and what that queues) as the worker would; the results."""
        results = []
        while self:
            task, args = self.pop(0)
            results.append(task.apply(args=args).get())
        return results

    def names(self):
        return [task.name.rsplit(".", 1)[-1] for task, _ in self]


@pytest.fixture(autouse=True)
def queued(monkeypatch):
    tasks = Queue()
    monkeypatch.setattr(mail, "later", lambda task, *args: tasks.append((task, args)))
    return tasks


def verify(user, email=None):
    """Give the user a confirmed address."""
    from accounts.models import Profile

    if email:
        user.email = email
        user.save()
    Profile.objects.update_or_create(user=user, defaults={"confirmed_email": user.email})
    return user
