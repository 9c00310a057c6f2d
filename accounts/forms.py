from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm

from accounts import mail
from accounts.models import Profile


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=60, required=False, help_text="To tell your tokens apart, e.g. “laptop”."
    )


class EmailForm(forms.Form):
    email = forms.EmailField(
        label="E-mail address", required=False, help_text="Empty to remove it."
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        taken = get_user_model().objects.filter(email__iexact=email).exclude(pk=self.user.pk)
        if email and taken.exists():
            # A reset link must go to one account only.
            raise forms.ValidationError("Another account uses this address.")
        return email


class NoticesForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = ["notify_submissions", "notify_phases", "notify_replies", "notify_announcements"]


class VerifiedPasswordResetForm(PasswordResetForm):
    """Django's reset form, for confirmed addresses only, and the message goes through the
    worker rather than out of the request."""

    def get_users(self, email):
        for user in super().get_users(email):
            if mail.profile_of(user).verified:
                yield user

    def send_mail(self, subject_template_name, email_template_name, context, from_email,
                  to_email, html_email_template_name=None):  # fmt: skip
        from django.template import loader

        subject = loader.render_to_string(subject_template_name, context)
        body = loader.render_to_string(email_template_name, context)
        mail.send([to_email], subject, body)
