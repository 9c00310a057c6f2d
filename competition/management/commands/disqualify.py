from django.core.management.base import BaseCommand, CommandError

from competition import disqualify
from competition.management.commands._common import get_competition, get_phase
from competition.management.commands.submit import find_team
from competition.models import Phase, Submission


class Command(BaseCommand):
    help = (
        "Disqualify a submission (--submission ID) or a whole team from a phase (--team NAME "
        "--phase PHASE), with a reason shown to the team; --undo reinstates. Boards, exports "
        "and standings follow at once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--competition", required=True, metavar="SLUG")
        parser.add_argument("--submission", type=int, metavar="ID")
        parser.add_argument("--team", metavar="NAME")
        parser.add_argument("--phase", choices=[Phase.VALIDATION, Phase.TEST])
        parser.add_argument("--reason", help="shown to the team")
        parser.add_argument("--undo", action="store_true", help="reinstate instead")

    def handle(self, *args, **options):
        competition = get_competition(options["competition"])
        if (options["submission"] is None) == (options["team"] is None):
            raise CommandError("Give either --submission ID or --team NAME --phase PHASE.")
        if not options["undo"] and not (options["reason"] or "").strip():
            raise CommandError("Give the --reason the team will be shown.")
        reason = (options["reason"] or "").strip()
        if options["submission"] is not None:
            submission = Submission.objects.filter(
                pk=options["submission"], phase__competition=competition
            ).first()
            if submission is None:
                raise CommandError(f"{competition.slug} has no submission {options['submission']}.")
            if options["undo"]:
                disqualify.reinstate_submission(submission)
                self.stdout.write(f"Submission {submission.pk} is reinstated.")
            else:
                disqualify.disqualify_submission(submission, reason)
                self.stdout.write(f"Submission {submission.pk} is disqualified: {reason}")
            return
        if not options["phase"]:
            raise CommandError("--team needs --phase.")
        phase = get_phase(competition, options["phase"])
        team = find_team(competition, options["team"])
        if team is None:
            raise CommandError(f"{competition.slug} has no team {options['team']!r}.")
        if options["undo"]:
            done = disqualify.reinstate_team(team, phase)
            self.stdout.write(
                f"Team {team.name} is reinstated in {phase}."
                if done
                else f"Team {team.name} was not disqualified from {phase}."
            )
        else:
            disqualify.disqualify_team(team, phase, reason)
            self.stdout.write(f"Team {team.name} is disqualified from {phase}: {reason}")
