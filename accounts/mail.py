"""E-mail: every message is handed to a Celery worker after the transaction commits, never
sent inside a request. Confirmation links are signed, so they need no table."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import Profile

CONFIRM_SALT = "accounts.confirm-email"
CONFIRM_MAX_AGE = 3 * 24 * 3600


def later(task, *args):
    """Send the task to the workers once the current transaction commits (at once outside
    one). The one place this app queues work, so tests can watch it."""
    transaction.on_commit(lambda: task.delay(*args))


def send(to: list[str], subject: str, body: str):
    """Queue one plain-text message to the given addresses."""
    from accounts import tasks

    if to:
        later(tasks.send_message, list(to), " ".join(subject.split()), body)


def render(template: str, context: dict) -> tuple[str, str]:
    """(subject, body) from accounts/mail/<template>.txt (or APP/mail/<name>.txt where the
    template names its app): the first line is the subject."""
    name = template if "/" in template else f"accounts/mail/{template}"
    text = render_to_string(f"{name}.txt", {"site": site_url(), **context})
    subject, _, body = text.strip().partition("\n")
    return subject.strip(), body.strip() + "\n"


def site_url(path: str = "", request=None) -> str:
    """An absolute link: from the request where there is one, else from SITE_URL (the
    worker has no request)."""
    if request is not None:
        return request.build_absolute_uri(path or "/")
    return settings.SITE_URL.rstrip("/") + path


def profile_of(user) -> Profile:
    profile, _ = Profile.objects.get_or_create(user=user)
    return profile


def is_verified(user) -> bool:
    if not user.is_authenticated or not user.email:
        return False
    return profile_of(user).verified


def confirmation_token(user) -> str:
    return signing.dumps({"u": user.pk, "e": user.email.lower()}, salt=CONFIRM_SALT)


def confirm(token: str):
    """The user whose address the token confirms, now verified; None for a link that is
    broken, expired, or for an address the account no longer has."""
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.BadSignature:
        return None
    user = get_user_model().objects.filter(pk=data.get("u")).first()
    if user is None or (user.email or "").lower() != data.get("e"):
        return None
    if _confirmed_elsewhere(user):
        return None  # a reset link must reach one account only
    Profile.objects.update_or_create(
        user=user, defaults={"confirmed_email": user.email, "confirmed_at": timezone.now()}
    )
    return user


def _confirmed_elsewhere(user) -> bool:
    """Whether another account has already confirmed this address (and still has it)."""
    others = Profile.objects.filter(confirmed_email__iexact=user.email).exclude(user=user)
    return any(profile.verified for profile in others.select_related("user"))


def send_confirmation(user, request=None):
    if not user.email:
        return
    path = reverse("accounts:confirm_email", args=[confirmation_token(user)])
    link = site_url(path, request)
    subject, body = render("confirm_email", {"user": user, "link": link})
    send([user.email], subject, body)


def recipients(flag: str, users=None):
    """Verified users who opted in to one kind of notice (`flag` is a Profile field),
    optionally among `users` (a queryset)."""
    profiles = Profile.objects.filter(**{flag: True}).select_related("user")
    if users is not None:
        profiles = profiles.filter(user__in=users)
    return [p.user for p in profiles if p.user.is_active and p.verified]
