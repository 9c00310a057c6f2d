"""Forms of the participants' site: sign-up, teams and the upload form."""

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

import scoring
from competition import names, teams
from competition.access import ordered_phases, team_of
from competition.models import TAKEN_TEAM_NAME, Competition, Team
from competition.submitting import Refused
from competition.upload_handlers import accept_upload

TAKEN_USER_NAME = "A user with this name, or one that looks the same, already exists."


class SignupForm(UserCreationForm):
    email = forms.EmailField(
        required=False,
        help_text=(
            "Optional, and only the organizers see it. We send a link to confirm it. Without "
            "a confirmed address you cannot reset a forgotten password, receive notices or "
            "post in the discussion; you can add one later under E-mail and notices."
        ),
    )

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "email")

    def clean_username(self):
        username = super().clean_username()  # NFKC-normalised, exact duplicates refused
        if not username or self.has_error("username"):
            return username
        names.check_characters(username, "user name")
        if names.look_alike(username, _user_names_like(username)):
            raise ValidationError(TAKEN_USER_NAME, code="unique")
        return username

    def save(self, commit=True):
        """Create the user, or return None when a look-alike name was taken since clean()
        (a racing sign-up): sign-ups of one canonical name take turns under a lock, so the
        check and the insert cannot interleave. The caller shows the form's message."""
        username = self.cleaned_data["username"]
        with transaction.atomic():
            _lock_name(names.canonical(username))
            if names.look_alike(username, _user_names_like(username)):
                self.add_error("username", ValidationError(TAKEN_USER_NAME, code="unique"))
                return None
            return super().save(commit)


def _lock_name(key: str) -> None:
    """Serialise the transactions that create this canonical name. PostgreSQL: an advisory
    lock held to the end of the transaction. SQLite runs one writer at a time anyway."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [key])


def _user_names_like(username: str) -> list[str]:
    """The user names that may be the same as this one once canonical: the same but for
    ASCII case (found by the database), or holding a non-ASCII character (few)."""
    users = get_user_model().objects
    similar = users.filter(username__iexact=username) | users.filter(username__regex=r"[^ -~]")
    return list(similar.values_list("username", flat=True))


class _TeamForm(forms.Form):
    """Base for the forms that put the user in a team. A user alone in a team that has
    submitted nothing (the team of one made for them) may leave it for another."""

    def __init__(self, user, competition: Competition, *args, **kwargs):
        self.user, self.competition = user, competition
        self.current = team_of(user, competition)
        super().__init__(*args, **kwargs)

    def clean(self):
        if self.current is not None and not may_leave(self.current):
            raise forms.ValidationError(
                f"You are already in team {self.current.name}, which has other members or "
                "submissions: leave it first."
            )
        return super().clean()

    def _move_into(self, team_or_name) -> Team:
        try:
            with transaction.atomic():
                if self.current is not None:
                    self.current.delete()
                team = team_or_name
                if isinstance(team_or_name, str):
                    team = Team.objects.create(competition=self.competition, name=team_or_name)
                teams.join(team, self.user)
        except teams.TeamError as exc:
            self.add_error(None, str(exc))
            return None
        return team

    def try_save(self) -> Team | None:
        """save(), or None with the form's error when a request racing this one took the
        name (or the user's team) first."""
        try:
            return self.save()
        except IntegrityError:
            self.add_error(None, self.race_message)
            return None

    race_message = "Someone else changed this just now; please try again."


def may_leave(team: Team) -> bool:
    """Whether a member may give the team up for another: it is theirs alone, unused."""
    return team.memberships.count() <= 1 and not team.submissions.exists()


class TeamCreateForm(_TeamForm):
    name = forms.CharField(max_length=100, help_text="Shown on the leaderboards.")

    def clean_name(self):
        name = names.clean_display_name(self.cleaned_data["name"], "team name", 100)
        taken = Team.look_alikes(self.competition, name)
        if self.current is not None:  # the team of one given up for this one
            taken = taken.exclude(pk=self.current.pk)
        if taken.exists():
            raise forms.ValidationError(TAKEN_TEAM_NAME)
        return name

    # A request racing this one for the same name got it first.
    race_message = TAKEN_TEAM_NAME

    def save(self) -> Team:
        return self._move_into(self.cleaned_data["name"])


class TeamJoinForm(_TeamForm):
    invite_code = forms.CharField(max_length=32, help_text="Ask a member of the team for it.")

    def clean_invite_code(self):
        code = self.cleaned_data["invite_code"].strip()
        team = Team.objects.filter(
            competition=self.competition, invite_code=code, is_organizer=False
        ).first()
        if team is None:
            raise forms.ValidationError("No team of this competition has this invite code.")
        if team == self.current:
            raise forms.ValidationError(f"You are already in team {team.name}.")
        if teams.is_full(team):
            raise forms.ValidationError(teams.full_message(team))
        self.team = team
        return code

    def save(self) -> Team:
        return self._move_into(self.team)


class SubmissionForm(forms.Form):
    phase = forms.ChoiceField()
    system_name = forms.CharField(
        max_length=64,
        required=False,
        help_text=f"Like Name_Affiliation_01 ({names.SYSTEM_NAME_RULE}); one leaderboard row "
        "per system. Not needed for a package.",
    )
    # Not required here: a missing file is answered by accept_upload, in the same words
    # as the API, and a file dropped for its size must not read as "no file".
    file = forms.FileField(
        required=False,
        label="CSV file or XACLE package",
        help_text="wav_file_name,prediction_score: one line per pair of the phase. Or a .zip "
        "package with NAME.csv and NAME.yaml per system (the system name is then ignored).",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv,.zip,application/zip"}),
    )
    description = forms.CharField(
        required=False,
        label="Description (YAML, optional)",
        help_text="The system's description; start from the template.",
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
    )
    description_file = forms.FileField(
        required=False,
        label="or a description file",
        widget=forms.ClearableFileInput(attrs={"accept": ".yaml,.yml"}),
    )

    def __init__(self, competition: Competition, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.phases = {phase.kind: phase for phase in ordered_phases(competition)}
        self.fields["phase"].choices = [
            (phase.kind, phase.get_kind_display()) for phase in self.phases.values()
        ]
        self.problems: list[str] = []
        # The phase's window or the team's quota: a notice, not a problem with the file.
        self.refusal: Refused | None = None

    def submit(self, request) -> list | None:
        """The new submissions (one, or one per system of a package), or None with the
        reasons in `problems` or `refusal` (nothing stored)."""
        if not self.is_valid():
            return None
        phase = self.phases[self.cleaned_data["phase"]]
        data = self.cleaned_data
        try:
            return accept_upload(
                request,
                phase,
                data["system_name"],
                data["file"],
                description=data["description_file"] or data["description"].strip() or None,
            )
        except Refused as exc:
            self.refusal = exc
            return None
        except scoring.SubmissionError as exc:
            self.problems = exc.messages()
            return None


class DescriptionForm(forms.Form):
    """A system's description, edited on its page (checked by competition.descriptions)."""

    yaml = forms.CharField(
        label="Description (YAML)",
        max_length=64 * 1024,
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false", "class": "code"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.problems: list[str] = []


class ReportForm(forms.Form):
    report = forms.FileField(
        label="Technical report (PDF)",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,application/pdf"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.problems: list[str] = []
