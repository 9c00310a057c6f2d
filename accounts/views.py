"""The account pages: API tokens, e-mail address and notices, the confirmation link."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import PasswordResetView
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_POST

from accounts import mail, tokens
from accounts.forms import EmailForm, NoticesForm, TokenForm, VerifiedPasswordResetForm


@login_required
def token_list(request):
    context = {
        "tokens": tokens.for_user(request.user),
        "form": TokenForm(),
        # A new key is shown once, on the page the POST redirected to, then forgotten.
        "new_key": request.session.pop("new_api_token", None),
        "api_url": request.build_absolute_uri("/").rstrip("/"),
    }
    return render(request, "accounts/tokens.html", context)


def _show_once(request, key: str):
    request.session["new_api_token"] = key


@login_required
@require_POST
def token_create(request):
    form = TokenForm(request.POST)
    if not form.is_valid():
        messages.error(request, "A token's name is at most 60 characters.")
        return redirect("accounts:tokens")
    _, key = tokens.create(request.user, form.cleaned_data["name"])
    _show_once(request, key)
    messages.success(request, "Token created. Copy it now: it is not shown again.")
    return redirect("accounts:tokens")


def _own_token(request, token_key):
    token = tokens.get_for_user(request.user, token_key)
    if token is None:
        raise Http404("No such token.")
    return token


@login_required
@require_POST
def token_regenerate(request, token_key):
    _, key = tokens.regenerate(_own_token(request, token_key))
    _show_once(request, key)
    messages.success(request, "Token regenerated: the old key no longer works. Copy the new one.")
    return redirect("accounts:tokens")


@login_required
@require_POST
def token_revoke(request, token_key):
    _own_token(request, token_key).delete()
    messages.success(request, "Token revoked: it no longer works.")
    return redirect("accounts:tokens")


@login_required
def email_settings(request):
    user = request.user
    profile = mail.profile_of(user)
    email_form = EmailForm(user, initial={"email": user.email})
    notices_form = NoticesForm(instance=profile)
    if request.method == "POST" and "email" in request.POST:
        email_form = EmailForm(user, request.POST)
        if email_form.is_valid():
            with transaction.atomic():
                user.email = email_form.cleaned_data["email"]
                user.save(update_fields=["email"])
                mail.send_confirmation(user, request)
            if user.email:
                messages.success(request, f"We sent a confirmation link to {user.email}.")
            else:
                messages.success(request, "Address removed.")
            return redirect("accounts:email")
    elif request.method == "POST":
        notices_form = NoticesForm(request.POST, instance=profile)
        if notices_form.is_valid():
            notices_form.save()
            messages.success(request, "Notices saved.")
            return redirect("accounts:email")
    context = {
        "email_form": email_form,
        "notices_form": notices_form,
        "profile": profile,
        "verified": profile.verified,
    }
    return render(request, "accounts/email.html", context)


@login_required
@require_POST
def resend_confirmation(request):
    if request.user.email and not mail.is_verified(request.user):
        mail.send_confirmation(request.user, request)
        messages.success(request, f"We sent a new confirmation link to {request.user.email}.")
    return redirect("accounts:email")


def confirm_email(request, token):
    user = mail.confirm(token)
    if user is None:
        return render(request, "accounts/confirm_failed.html", status=400)
    messages.success(request, f"Thank you: {user.email} is confirmed.")
    return redirect("accounts:email" if request.user == user else "home")


class ResetView(PasswordResetView):
    form_class = VerifiedPasswordResetForm
    success_url = reverse_lazy("accounts:password_reset_done")
