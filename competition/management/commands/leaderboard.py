import json

from django.core.management.base import BaseCommand, CommandError

from competition import csv_safe, leaderboard
from competition.management.commands._common import get_competition, get_phase
from competition.models import Phase
from competition.names import printable

TABLE_HEADER = "team system  {:<24} {:<28} {:>7} {:>7} {:>7} {:>8} {:>6}".format(
    "team", "system", "SRCC", "LCC", "KTAU", "MSE", "N"
)


class Command(BaseCommand):
    help = "Print a leaderboard as the organizers see it, hidden splits included."

    def add_arguments(self, parser):
        parser.add_argument("--competition", required=True, metavar="SLUG")
        parser.add_argument("--phase", required=True, choices=[Phase.VALIDATION, Phase.TEST])
        parser.add_argument("--split", help="a split name; default: the phase's main split")
        # By team by default, as the site shows it (it was by system before: scripts pass --by).
        parser.add_argument(
            "--by", choices=[leaderboard.SYSTEM, leaderboard.TEAM], default=leaderboard.TEAM
        )
        parser.add_argument("--format", choices=["table", "csv", "json"], default="table")

    def handle(self, *args, **options):
        phase = get_phase(get_competition(options["competition"]), options["phase"])
        split = None
        if options["split"]:
            split = phase.splits.filter(name=options["split"]).first()
            if split is None:
                names = ", ".join(phase.splits.values_list("name", flat=True))
                raise CommandError(f"{phase} has no split {options['split']!r} (it has: {names}).")
        board = leaderboard.build(phase, split, options["by"], organizer=True)
        records = [leaderboard.record(row) for row in board.rows]
        if options["format"] == "csv":
            rows = [[r[k] for k in leaderboard.COLUMNS] for r in records]
            csv_safe.write_rows(self.stdout, [leaderboard.COLUMNS, *rows])
        elif options["format"] == "json":
            self.stdout.write(
                json.dumps(
                    {
                        "phase": phase.kind,
                        "split": board.split.name,
                        "by": board.by,
                        "rows": records,
                    }
                )
            )
        else:
            self._table(board, records)

    def _table(self, board, records):
        state = "hidden from participants" if board.hidden else "public"
        self.stdout.write(f"{board.phase} / {board.split.name} by {board.by} ({state})")
        self.stdout.write("Ranks: team (each team's best system), system (every system).")
        self.stdout.write(TABLE_HEADER)
        for r in records:
            team_rank = r["team_rank"] if r["team_rank"] != "" else "-"
            system_rank = r["system_rank"] if r["system_rank"] != "" else "-"
            mark = {"team": " (final)", "auto": " (auto)"}.get(r["selection"], "")
            # Names are the participants': no control character reaches the terminal.
            team, system = printable(r["team"]), printable(r["system"])
            system += (" (baseline)" if r["baseline"] else "") + mark
            self.stdout.write(
                f"{team_rank:>4} {system_rank:>6}  {team[:24]:<24} {system[:28]:<28} "
                f"{r['srcc']:>7.4f} {r['lcc']:>7.4f} {r['ktau']:>7.4f} {r['mse']:>8.4f} {r['n']:>6}"
            )
