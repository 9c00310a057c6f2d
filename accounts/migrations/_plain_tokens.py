"""Used by 0001_initial: DRF's plain-text tokens become knox digests, so every key that
worked keeps working and no key stays stored in the clear."""

from knox.crypto import hash_token
from knox.settings import CONSTANTS

TABLE = "authtoken_token"


def migrate(apps, schema_editor):
    connection = schema_editor.connection
    if TABLE not in connection.introspection.table_names():
        return
    AuthToken = apps.get_model("knox", "AuthToken")
    TokenInfo = apps.get_model("accounts", "TokenInfo")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT key, created, user_id FROM {TABLE}")
        rows = cursor.fetchall()
    for key, created, user_id in rows:
        digest = hash_token(key)
        token = AuthToken(
            user_id=user_id, token_key=key[: CONSTANTS.TOKEN_KEY_LENGTH], digest=digest
        )
        token.save(force_insert=True)
        # `created` is set on insert; keep the date the key was really made.
        AuthToken.objects.filter(pk=digest).update(created=created)
        TokenInfo.objects.create(token_id=digest, name="migrated")
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")
