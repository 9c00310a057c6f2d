"""Issue 12: a secret seed for the test phase's public/private cut (the old integer seeds
were guessable: they are dropped, and the next import draws a secret one); notes no longer
stored with a submission; and a team's canonical name (NFKC + case folded), unique per
competition, so that no look-alike name can be taken, not even by two requests racing."""

import unicodedata

from django.db import migrations, models


def canonical(name: str) -> str:
    # competition.names.canonical as of this migration.
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold())


def forget_guessable_seeds(apps, schema_editor):
    apps.get_model("competition", "Phase").objects.update(split_seed="")


def forget_stored_notes(apps, schema_editor):
    """The constant-prediction note was stored, computed over every split (hidden ones
    too); it is now made when shown, from the splits the viewer may see."""
    apps.get_model("competition", "Submission").objects.filter(
        status="scored", reason__startswith="Every prediction in this file has the same value"
    ).update(reason="")


def fill_name_keys(apps, schema_editor):
    """Existing look-alike names keep their teams: the later ones get a key of their own."""
    Team = apps.get_model("competition", "Team")
    seen = set()
    for team in Team.objects.order_by("created_at", "pk"):
        key = canonical(team.name)
        if (team.competition_id, key) in seen:
            key = f"{key}#{team.pk}"
        seen.add((team.competition_id, key))
        Team.objects.filter(pk=team.pk).update(name_key=key)


class Migration(migrations.Migration):
    dependencies = [
        ("competition", "0002_standings"),
    ]

    operations = [
        migrations.AlterField(
            model_name="phase",
            name="split_seed",
            field=models.CharField(blank=True, default="", editable=False, max_length=64),
        ),
        migrations.RunPython(forget_guessable_seeds, migrations.RunPython.noop),
        migrations.RunPython(forget_stored_notes, migrations.RunPython.noop),
        migrations.AddField(
            model_name="team",
            name="name_key",
            field=models.CharField(default="", editable=False, max_length=300),
            preserve_default=False,
        ),
        migrations.RunPython(fill_name_keys, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="team",
            constraint=models.UniqueConstraint(
                fields=("competition", "name_key"), name="team_name_key_per_competition"
            ),
        ),
    ]
