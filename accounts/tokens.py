"""API tokens: made by knox (a random key shown once, its SHA-512 digest stored), named,
regenerated and revoked by their owner, expiring after API_TOKEN_TTL_DAYS if set."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from knox.auth import TokenAuthentication

from accounts.models import ApiToken

# A token's last use is written at most this often, not on every request.
LAST_USED_PRECISION = timedelta(minutes=1)


def create(user, name: str = "") -> tuple[ApiToken, str]:
    """A new token for the user: (the stored row, the key to show once)."""
    days = settings.API_TOKEN_TTL_DAYS
    return ApiToken.objects.create(
        user=user, expiry=timedelta(days=days) if days else None, name=name.strip()[:60]
    )


def regenerate(token: ApiToken) -> tuple[ApiToken, str]:
    """The same token's name on a new key; the old key stops working at once."""
    with transaction.atomic():
        user, name = token.user, token.name
        token.delete()
        return create(user, name)


def for_user(user):
    return ApiToken.objects.filter(user=user).order_by("-created")


def get_for_user(user, token_key: str) -> ApiToken | None:
    return for_user(user).filter(token_key=token_key).first()


class ApiTokenAuthentication(TokenAuthentication):
    """knox's `Authorization: Token KEY`, noting when the token was last used."""

    def authenticate_credentials(self, token):
        user, auth_token = super().authenticate_credentials(token)
        now = timezone.now()
        if auth_token.last_used_at is None or now - auth_token.last_used_at > LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=auth_token.pk).update(last_used_at=now)
        return user, auth_token
