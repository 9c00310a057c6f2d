from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts import tokens


class Command(BaseCommand):
    help = "Create an API token for a user (stored hashed; the key is printed once)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "-r", "--reset", action="store_true", help="revoke the user's other tokens first"
        )
        parser.add_argument("--name", default="command line", help="the token's name")

    def handle(self, *args, **options):
        username = options["username"]
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Cannot create the Token: user {username} does not exist")
        if options["reset"]:
            tokens.for_user(user).delete()
        _, key = tokens.create(user, options["name"])
        self.stdout.write(f"Generated token {key} for user {username}")
