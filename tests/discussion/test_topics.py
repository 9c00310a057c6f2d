"""The discussion: topics newest activity first and paginated, replies, edits for 30
minutes, verified accounts only, throttled; organizers' announcements (pinned, marked,
mailed, in an Atom feed and on the overview), locks and hidden posts."""

from datetime import timedelta

import pytest
from django.core import mail as outbox
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from accounts.models import Profile
from discussion.models import Post, Topic

pytestmark = pytest.mark.django_db

BASE = "/c/xacle/discussion/"


def client_of(user):
    client = Client()
    client.force_login(user)
    return client


def new_topic(client, title="Which loss works?", body="I tried **MSE**.", **extra):
    return client.post(f"{BASE}new/", {"title": title, "body": body, **extra})


def topic_url(topic):
    return f"{BASE}{topic.pk}/"


def test_a_verified_participant_starts_a_topic_and_another_replies(posters, competition):
    alice, bob, _ = posters
    response = new_topic(client_of(alice))
    topic = Topic.objects.get()
    assert response.status_code == 302 and response["Location"] == topic_url(topic)
    client_of(bob).post(topic_url(topic), {"body": "Try *ranking* losses."})
    page = Client().get(topic_url(topic)).content.decode()
    assert "<strong>MSE</strong>" in page and "<em>ranking</em>" in page
    assert list(Post.objects.values_list("author__username", flat=True)) == ["alice", "bob"]


def test_posting_needs_a_confirmed_address(as_carol, competition, anonymous):
    page = as_carol.get(f"{BASE}new/").content.decode()
    assert "Posting needs a confirmed e-mail address" in page
    response = new_topic(as_carol)
    assert response.status_code == 400 and not Topic.objects.exists()
    assert anonymous.get(f"{BASE}new/").status_code == 302  # to the log-in page


def test_replying_needs_a_confirmed_address(posters, as_carol, competition):
    new_topic(client_of(posters[0]))
    topic = Topic.objects.get()
    response = as_carol.post(topic_url(topic), {"body": "me too"})
    assert response.status_code == 400 and topic.posts.count() == 1


def test_topics_come_newest_activity_first_and_paginated(posters, competition):
    alice, bob, _ = posters
    now = timezone.now()
    for number in range(30):
        Topic.objects.create(
            competition=competition,
            title=f"Topic {number:02d}",
            author=alice,
            last_activity_at=now - timedelta(hours=number),
        )
    old = Topic.objects.get(title="Topic 29")
    cache.clear()
    client_of(bob).post(topic_url(old), {"body": "bump"})
    first_page = Client().get(BASE).content.decode()
    assert first_page.index("Topic 29") < first_page.index("Topic 00")
    # 25 a page: the bumped topic, then 00 to 23.
    assert "Topic 23" in first_page and "Topic 24" not in first_page
    assert "Page 1 of 2" in first_page
    assert "Topic 24" in Client().get(f"{BASE}?page=2").content.decode()


def test_posting_is_throttled(posters, competition, settings):
    settings.THROTTLE_POSTS = "3/min"
    alice = client_of(posters[0])
    for number in range(3):
        assert new_topic(alice, title=f"t{number}").status_code == 302
    response = new_topic(alice, title="one too many")
    assert response.status_code == 429
    assert "You are posting too fast" in response.content.decode()
    assert Topic.objects.count() == 3
    # Another user is not held back by alice's pace.
    assert new_topic(client_of(posters[1]), title="bob's").status_code == 302


def test_an_author_edits_a_post_for_30_minutes(posters, competition):
    alice, bob, _ = posters
    new_topic(client_of(alice))
    post = Post.objects.get()
    edit = f"/discussion/posts/{post.pk}/edit/"
    client_of(alice).post(edit, {"body": post.body})
    post.refresh_from_db()
    assert post.edited_at is None  # saved unchanged is not an edit
    client_of(alice).post(edit, {"body": "I tried **ranking**."})
    post.refresh_from_db()
    assert "<strong>ranking</strong>" in post.body_html and post.edited_at is not None
    # Not bob's to edit.
    client_of(bob).post(edit, {"body": "vandalised"})
    post.refresh_from_db()
    assert "vandalised" not in post.body
    Post.objects.filter(pk=post.pk).update(created_at=timezone.now() - timedelta(minutes=31))
    client_of(alice).post(edit, {"body": "too late"})
    post.refresh_from_db()
    assert post.body == "I tried **ranking**."


def test_a_hidden_post_is_not_shown_to_others(posters, competition):
    alice, bob, olga = posters
    new_topic(client_of(alice))
    topic = Topic.objects.get()
    client_of(bob).post(topic_url(topic), {"body": "buy cheap pills"})
    spam = Post.objects.get(author=bob)
    assert (
        client_of(alice)
        .post(f"/discussion/posts/{spam.pk}/moderate/", {"action": "hide"})
        .status_code
        == 302
    )
    spam.refresh_from_db()
    assert not spam.hidden  # only organizers moderate
    client_of(olga).post(f"/discussion/posts/{spam.pk}/moderate/", {"action": "hide"})
    assert "cheap pills" not in Client().get(topic_url(topic)).content.decode()
    assert "cheap pills" not in client_of(alice).get(topic_url(topic)).content.decode()
    assert "cheap pills" in client_of(olga).get(topic_url(topic)).content.decode()
    assert "Hidden by the organizers" in client_of(bob).get(topic_url(topic)).content.decode()
    client_of(olga).post(f"/discussion/posts/{spam.pk}/moderate/", {"action": "unhide"})
    assert "cheap pills" in Client().get(topic_url(topic)).content.decode()


def test_hiding_the_opening_post_hides_the_topic(posters, competition):
    alice, _, olga = posters
    new_topic(client_of(alice), title="Spam topic")
    topic = Topic.objects.get()
    client_of(olga).post(f"/discussion/posts/{topic.posts.get().pk}/moderate/", {"action": "hide"})
    assert "Spam topic" not in Client().get(BASE).content.decode()
    assert Client().get(topic_url(topic)).status_code == 404
    assert "Spam topic" in client_of(olga).get(BASE).content.decode()


def test_a_locked_topic_takes_no_replies(posters, competition):
    alice, bob, olga = posters
    new_topic(client_of(alice))
    topic = Topic.objects.get()
    client_of(olga).post(f"{topic_url(topic)}moderate/", {"action": "lock"})
    response = client_of(bob).post(topic_url(topic), {"body": "late"})
    assert response.status_code == 400 and topic.posts.count() == 1
    assert (
        client_of(bob).post(f"{topic_url(topic)}moderate/", {"action": "unlock"}).status_code == 302
    )
    topic.refresh_from_db()
    assert topic.locked  # a participant's moderation request changes nothing


def test_an_announcement_is_pinned_marked_mailed_and_in_the_feed(posters, competition, queued):
    alice, bob, olga = posters
    Profile.objects.filter(user=alice).update(notify_announcements=True)
    new_topic(client_of(bob), title="A question")
    new_topic(client_of(olga), title="Test phase opens Monday", body="Be ready.", announcement="on")
    new_topic(client_of(bob), title="Another question")
    topic = Topic.objects.get(title="Test phase opens Monday")
    assert topic.is_announcement and topic.pinned
    listing = Client().get(BASE).content.decode()
    assert listing.index("Test phase opens Monday") < listing.index("Another question")
    assert "Announcement" in listing
    queued.run()
    (message,) = outbox.outbox
    assert message.to == [alice.email] and "Test phase opens Monday" in message.subject
    feed = Client().get("/c/xacle/announcements.atom")
    assert feed["Content-Type"].startswith("application/atom+xml")
    body = feed.content.decode()
    assert "Test phase opens Monday" in body and "A question" not in body
    overview = Client().get("/c/xacle/").content.decode()
    assert "Announcements" in overview and "Test phase opens Monday" in overview


def test_a_participant_cannot_announce(posters, competition):
    new_topic(client_of(posters[0]), announcement="on")
    assert not Topic.objects.get().is_announcement


def test_a_reply_is_mailed_to_followers_who_asked(posters, competition, queued):
    alice, bob, _ = posters
    Profile.objects.filter(user=alice).update(notify_replies=True)
    new_topic(client_of(alice))
    topic = Topic.objects.get()
    queued.clear()
    client_of(bob).post(topic_url(topic), {"body": "Try ranking losses."})
    assert queued.names() == ["reply_notices"]
    queued.run()
    (message,) = outbox.outbox
    assert message.to == [alice.email]
    assert "bob replied" in message.subject and "Try ranking losses." in message.body
    # Unfollowing stops them.
    client_of(alice).post(f"{topic_url(topic)}follow/", {"follow": "0"})
    client_of(bob).post(topic_url(topic), {"body": "Anyone?"})
    queued.run()
    assert len(outbox.outbox) == 1


def test_a_topic_of_another_competition_is_not_found(posters, competition):
    from tests.factories import make_competition

    other = make_competition(slug="other")
    topic = Topic.objects.create(competition=other, title="elsewhere", author=posters[0])
    assert Client().get(topic_url(topic)).status_code == 404


def test_the_refusal_links_to_the_address_page(as_carol, competition):
    page = as_carol.get(f"{BASE}new/").content.decode()
    assert 'href="/accounts/email/"' in page.split('role="alert"', 1)[1].split("</p>", 1)[0]
