"""Sign-up (limited per client address) and log-in (failures counted by django-axes, per
user name and per address: see settings.py and competition.throttling)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.views import LoginView
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme

from competition.forms import SignupForm
from competition.models import Competition
from competition.signals import user_signed_up
from competition.throttling import SignupThrottle, throttle


class SiteLoginView(LoginView):
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["demo_login"] = demo_login()
        return context


def demo_login() -> tuple[str, str] | None:
    """The demo participant's log-in, shown while the demo competition runs here."""
    from competition import demo

    if Competition.objects.filter(slug=demo.SLUG).exists():
        return demo.USERNAME, demo.PASSWORD
    return None


@throttle(SignupThrottle)
def signup(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = SignupForm(request.POST or None)
    user = form.save() if request.method == "POST" and form.is_valid() else None
    if user is not None:
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        user_signed_up.send(sender=type(user), user=user, request=request)
        messages.success(request, f"Welcome, {user.get_username()}. You are signed in.")
        return redirect(_next(request))
    return render(request, "registration/signup.html", {"form": form, "next": _next(request)})


def _next(request) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(wanted, {request.get_host()}):
        return wanted
    return resolve_url(settings.LOGIN_REDIRECT_URL)
