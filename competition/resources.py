"""External resources (data sets, pretrained models) a team declares, checked at once
against the competition's cutoff and reviewed by the organizers in the admin."""

from django import forms
from django.utils import timezone

from competition.models import Competition, ResourceDeclaration, Team
from scoring.description import normalize


class ResourceError(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


class DeclarationForm(forms.ModelForm):
    """The fields of a declaration, for the team page and the API alike."""

    url = forms.URLField(max_length=500, assume_scheme="https", help_text="Where it is published.")
    release_date = forms.DateField(
        input_formats=["%Y-%m-%d"],
        help_text="YYYY-MM-DD: when it was first made public.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = ResourceDeclaration
        fields = ["kind", "name", "url", "release_date", "trained_on"]

    def __init__(self, competition: Competition, *args, **kwargs):
        self.competition = competition
        super().__init__(*args, **kwargs)

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not normalize(name):
            raise forms.ValidationError("Give the resource's name.")
        return name

    def clean(self):
        data = super().clean()
        cutoff = self.competition.resource_cutoff
        released = data.get("release_date")
        if cutoff and released and released > cutoff:
            self.add_error(
                "release_date",
                f"{data.get('name') or 'The resource'} was released on {released.isoformat()}, "
                f"after the competition's cutoff of {cutoff.isoformat()}: only resources "
                "released on or before the cutoff may be used.",
            )
        if data.get("kind") == ResourceDeclaration.MODEL and not data.get("trained_on", "").strip():
            self.add_error("trained_on", "Say what the model was trained on.")
        name = data.get("name")
        if name:
            taken = _same_name(self.competition, name).exclude(status=ResourceDeclaration.REJECTED)
            if taken.exists():
                state = taken.first().get_status_display().lower()
                self.add_error("name", f"{name} is declared already ({state}).")
        return data


def _same_name(competition: Competition, name: str):
    wanted = normalize(name)
    ids = [
        pk
        for pk, other in ResourceDeclaration.objects.filter(competition=competition).values_list(
            "pk", "name"
        )
        if normalize(other) == wanted
    ]
    return ResourceDeclaration.objects.filter(pk__in=ids)


def form_errors(form: forms.Form) -> list[str]:
    """Each error with its field: "release_date: ..."."""
    out = []
    for field, errors in form.errors.items():
        for error in errors:
            out.append(error if field == "__all__" else f"{field}: {error}")
    return out


def declare(competition: Competition, team: Team | None, data, user=None) -> ResourceDeclaration:
    """Store a declaration, pending review; ResourceError with every problem otherwise."""
    form = DeclarationForm(competition, data)
    if not form.is_valid():
        raise ResourceError(form_errors(form))
    return save(form, team, user)


def save(form: DeclarationForm, team: Team | None, user=None) -> ResourceDeclaration:
    """Store a valid declaration form's resource, pending review."""
    declaration = form.save(commit=False)
    declaration.competition = form.competition
    declaration.team = team
    declaration.declared_by = user if user is not None and user.is_authenticated else None
    declaration.declared_at = timezone.now()
    declaration.save()
    return declaration


def review(declaration: ResourceDeclaration, approve: bool, reason: str = "") -> None:
    declaration.status = ResourceDeclaration.APPROVED if approve else ResourceDeclaration.REJECTED
    declaration.reason = reason
    declaration.reviewed_at = timezone.now()
    declaration.save(update_fields=["status", "reason", "reviewed_at"])


def approved(competition: Competition):
    return ResourceDeclaration.objects.filter(
        competition=competition, status=ResourceDeclaration.APPROVED
    ).order_by("kind", "name")
