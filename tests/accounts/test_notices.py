"""Opt-in notices, queued for the worker: a submission scored or failed (with only the
scores the reader may see), a phase opened, closed or revealed; never twice."""

import io
from datetime import timedelta

import pytest
from django.core import mail as outbox
from django.core.management import call_command
from django.utils import timezone

from accounts import notices
from accounts.models import PhaseEvent, Profile
from competition import scorer, submitting, truth
from competition.models import Phase
from tests.accounts.conftest import verify
from tests.factories import upload

pytestmark = pytest.mark.django_db


def opt_in(user, **flags):
    verify(user)
    Profile.objects.filter(user=user).update(**flags)


@pytest.fixture
def scored(scored_submission, django_capture_on_commit_callbacks):
    def make(phase, team, **kw):
        with django_capture_on_commit_callbacks(execute=True):
            return scored_submission(phase, team, **kw)

    return make


def test_a_scored_submission_is_told_to_members_who_asked(alice, aurora, validation, scored,
                                                           queued):  # fmt: skip
    opt_in(alice, notify_submissions=True)
    submission = scored(validation, aurora)
    assert queued.names() == ["submission_notices"]  # nothing sent by the scorer itself
    queued.run()
    (message,) = outbox.outbox
    assert message.to == [alice.email]
    assert f"submission #{submission.pk} (Aurora_01) is scored" in message.subject
    srcc = submission.scores.get().srcc
    assert f"SRCC {srcc:.4f}" in message.body
    assert f"/submissions/{submission.pk}/" in message.body


def test_a_hidden_splits_score_is_never_in_the_notice(alice, aurora, test_phase, scored, queued):
    opt_in(alice, notify_submissions=True)
    Phase.objects.filter(pk=test_phase.pk).update(leaderboard=Phase.HIDDEN)
    test_phase.refresh_from_db()
    submission = scored(test_phase, aurora)
    queued.run()
    (message,) = outbox.outbox
    for score in submission.scores.all():
        assert f"{score.srcc:.4f}" not in message.body
        assert f"{score.mse:.4f}" not in message.body
    assert "2 hidden splits" in message.body


def test_a_failed_submission_gives_its_reason(alice, aurora, validation, queued,
                                              django_capture_on_commit_callbacks):  # fmt: skip
    opt_in(alice, notify_submissions=True)
    submission = submitting.submit(validation, aurora, "Aurora_01", upload(validation))
    validation.items().first().delete()  # the phase changed after the upload
    truth.forget()
    with django_capture_on_commit_callbacks(execute=True):
        assert scorer.score_submission(submission.pk) == "failed"
    queued.run()
    (message,) = outbox.outbox
    assert "failed" in message.subject and scorer.CHANGED_PHASE in message.body


def test_no_notice_without_opting_in_or_a_confirmed_address(
    alice, bob, aurora, borealis, validation, scored, queued
):
    Profile.objects.create(user=bob, notify_submissions=True)  # address never confirmed
    scored(validation, aurora)
    scored(validation, borealis, system="Borealis_01")
    queued.run()
    assert outbox.outbox == []


def test_a_rescore_sends_no_second_notice(alice, aurora, validation, scored, queued):
    opt_in(alice, notify_submissions=True)
    submission = scored(validation, aurora)
    queued.run()
    scorer.requeue(type(submission).objects.filter(pk=submission.pk))
    scorer.score_submission(submission.pk)
    notices.submission_notices([submission.pk])
    queued.run()
    assert len(outbox.outbox) == 1


def test_a_phase_that_opens_is_announced_once(alice, competition, queued):
    opt_in(alice, notify_phases=True)
    now = timezone.now()
    PhaseEvent.objects.all().delete()
    Phase.objects.filter(competition=competition).update(opens_at=now + timedelta(hours=1))
    assert notices.phase_notices(now) == 0
    later = now + timedelta(hours=1, minutes=1)
    assert notices.phase_notices(later) == 2  # validation and test
    assert notices.phase_notices(later) == 0
    queued.run()
    subjects = sorted(message.subject for message in outbox.outbox)
    assert subjects == [
        "XACLE: the test phase of xacle challenge is open",
        "XACLE: the validation phase of xacle challenge is open",
    ]


def test_closing_and_reveal_are_announced(alice, test_phase, queued):
    opt_in(alice, notify_phases=True)
    now = timezone.now()
    notices.phase_notices(now)  # what already happened
    queued.clear()
    Phase.objects.filter(pk=test_phase.pk).update(closes_at=now + timedelta(minutes=5))
    notices.phase_notices(now + timedelta(minutes=6))
    call_command("reveal", competition="xacle", phase="test", stdout=io.StringIO())
    assert "phase_notices" in queued.names()  # the reveal is looked at at once
    queued.run()
    subjects = [message.subject for message in outbox.outbox]
    assert "XACLE: the test phase of xacle challenge is closed" in subjects
    assert "XACLE: the test phase of xacle challenge leaderboard is revealed" in subjects
    assert len(subjects) == 2


def test_old_news_is_recorded_without_a_message(alice, competition, queued):
    opt_in(alice, notify_phases=True)
    PhaseEvent.objects.all().delete()
    Phase.objects.filter(competition=competition).update(
        opens_at=timezone.now() - timedelta(days=3)
    )
    assert notices.phase_notices() == 0
    assert PhaseEvent.objects.filter(event="opened", announced=False).count() == 2


def test_a_failing_notice_lookup_never_fails_the_scoring(alice, aurora, validation, scored,
                                                        queued, monkeypatch):  # fmt: skip
    from accounts import signals

    def broken(*args, **kwargs):
        raise RuntimeError("database hiccup")

    monkeypatch.setattr(signals.Membership.objects, "filter", broken)
    submission = scored(validation, aurora)
    assert submission.status == "scored" and queued == []
