"""Formatting shared by the templates: metrics with 4 decimals, phase states."""

from django import template
from django.utils.safestring import mark_safe

from competition import dates
from competition.markdown import render as render_markdown

register = template.Library()


@register.filter
def metric(value):
    """A metric as pages show it (4 decimals); the API gives full precision."""
    if value is None:
        return "—"
    return f"{value:.4f}"


@register.filter
def phase_state(phase, now=None) -> str:
    """upcoming, open, closed or revealed."""
    return phase.state(now)


@register.filter
def utc(moment) -> str:
    """A date as the competition states them: '2026-01-31 23:59 UTC'."""
    return dates.utc(moment)


@register.filter
def left(value) -> str:
    """A quota's count: a number, or 'no limit' for None."""
    return "no limit" if value is None else str(value)


@register.simple_tag(takes_context=True)
def query(context, **changes):
    """The current query string with some parameters changed (None drops one)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    return "?" + params.urlencode() if params else "?"


@register.filter
def markdown(text: str):
    """Organizer-written Markdown (a competition's description and rules) as safe HTML."""
    return mark_safe(render_markdown(text or ""))  # sanitized by nh3


@register.filter
def system_key(row) -> str:
    """A board row's system as "team id/system name" (see views.systems.board_extras)."""
    return f"{row.team_id}/{row.system}"


@register.filter
def lookup(mapping, key):
    """mapping[key], or None: for per-row values other apps add to a page."""
    if not mapping:
        return None
    return mapping.get(key)
