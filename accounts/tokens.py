"""API tokens: made by knox (a random key shown once, its SHA-512 digest stored), named,
regenerated and revoked by their owner, expiring after API_TOKEN_TTL_DAYS if set."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox.auth import TokenAuthentication
from knox.models import AuthToken

from accounts.models import TokenInfo

# A token's last use is written at most this often, not on every request.
LAST_USED_PRECISION = timedelta(minutes=1)


def create(user, name: str = "") -> tuple[AuthToken, str]:
    """A new token for the user: (the stored row, the key to show once)."""
    days = settings.API_TOKEN_TTL_DAYS
    with transaction.atomic():
        token, key = AuthToken.objects.create(
            user=user, expiry=timedelta(days=days) if days else None
        )
        TokenInfo.objects.create(token=token, name=name.strip()[:60])
    return token, key


def regenerate(token: AuthToken) -> tuple[AuthToken, str]:
    """The same token's name on a new key; the old key stops working at once."""
    with transaction.atomic():
        user, name = token.user, name_of(token)
        token.delete()
        return create(user, name)


def name_of(token: AuthToken) -> str:
    info = TokenInfo.objects.filter(token=token).first()
    return info.name if info else ""


def for_user(user):
    return AuthToken.objects.filter(user=user).select_related("info").order_by("-created")


def get_for_user(user, token_key: str) -> AuthToken | None:
    return for_user(user).filter(token_key=token_key).first()


class ApiTokenAuthentication(TokenAuthentication):
    """knox's `Authorization: Token KEY`, noting when the token was last used."""

    def authenticate_credentials(self, token):
        user, auth_token = super().authenticate_credentials(token)
        now = timezone.now()
        stale = now - LAST_USED_PRECISION
        # This process noted the use within the precision: no query at all (a client
        # racing up the board sends many requests a minute).
        if _recently_noted(auth_token):
            return user, auth_token
        updated = TokenInfo.objects.filter(token=auth_token).exclude(last_used_at__gt=stale)
        if not updated.update(last_used_at=now) and not hasattr(auth_token, "info"):
            TokenInfo.objects.get_or_create(token=auth_token, defaults={"last_used_at": now})
        if len(_noted) > 10_000:
            _noted.clear()
        _noted[auth_token.digest] = now
        return user, auth_token

    def _cleanup_token(self, auth_token) -> bool:
        # knox reads all of the user's tokens on every request to delete the expired ones;
        # with the token's last use (once a minute per process) is often enough. The token
        # presented is always checked.
        expired = auth_token.expiry is not None and auth_token.expiry < timezone.now()
        if _recently_noted(auth_token) and not expired:
            return False
        return super()._cleanup_token(auth_token)


_noted: dict[str, object] = {}  # token digest -> when this process last noted its use


def _recently_noted(auth_token) -> bool:
    noted = _noted.get(auth_token.digest)
    return noted is not None and noted > timezone.now() - LAST_USED_PRECISION


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """How the API schema (and `manage.py check --deploy`, which builds it) describes the
    token header; without it drf-spectacular warns on every view."""

    target_class = ApiTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Token KEY, with a key from the site's API token page.",
        }
