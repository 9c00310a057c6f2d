"""Sign-up, and a log-in that pauses after repeated failures.

Failures are counted in the cache per client address and username, so guessing one
account's password from one place is slowed without locking its owner out elsewhere.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.views import LoginView
from django.core.cache import cache
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme

from competition.forms import SignupForm
from competition.models import Competition
from competition.signals import user_signed_up


def _limit() -> int:
    return getattr(settings, "LOGIN_FAILURE_LIMIT", 10)


def _window() -> int:
    return getattr(settings, "LOGIN_FAILURE_WINDOW_SECONDS", 900)


def client_address(request) -> str:
    # REMOTE_ADDR only: a header such as X-Forwarded-For is the client's to forge.
    return request.META.get("REMOTE_ADDR", "")


def _key(request, username: str) -> str:
    return f"login-failures:{client_address(request)}:{(username or '').strip().lower()}"


def login_blocked(request, username: str) -> bool:
    return cache.get(_key(request, username), 0) >= _limit()


def record_failure(request, username: str):
    key = _key(request, username)
    # add() starts the window at the first failure; incr() keeps its expiry.
    if not cache.add(key, 1, _window()):
        try:
            cache.incr(key)
        except ValueError:  # expired between the two calls
            cache.add(key, 1, _window())


def clear_failures(request, username: str):
    cache.delete(_key(request, username))


class ThrottledLoginView(LoginView):
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        username = request.POST.get("username", "")
        if login_blocked(request, username):
            # The password is not even checked while the pause lasts.
            form = self.get_form_class()(request, initial={"username": username})
            minutes = max(1, _window() // 60)
            blocked = (
                "Too many failed log-ins for this account from your address. "
                f"Try again in {minutes} minutes."
            )
            response = self.render_to_response(self.get_context_data(form=form, blocked=blocked))
            response.status_code = 429
            response["Retry-After"] = str(_window())
            return response
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        record_failure(self.request, self.request.POST.get("username", ""))
        return super().form_invalid(form)

    def form_valid(self, form):
        clear_failures(self.request, form.get_user().get_username())
        return super().form_valid(form)

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


def signup(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
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
