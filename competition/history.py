"""Scores over time for the charts participants see: a team's systems on My submissions,
the best score on a leaderboard. Only a split the reader may see enters a chart: before
the reveal a hidden split's numbers are never read here."""

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Max, Q
from django.utils.safestring import SafeString, mark_safe

from competition import standings, svgchart
from competition.leaderboard import ORDER
from competition.models import Phase, Score, Split, Standing, Submission

METRICS = {"srcc": "SRCC", "lcc": "LCC", "ktau": "KTAU", "mse": "MSE"}
LOWER_IS_BETTER = {"mse"}


def pick_metric(name: str | None) -> str:
    return name if name in METRICS else "srcc"


def chart_split(phase: Phase) -> Split | None:
    """The split a chart of this phase shows, or None while every split is hidden."""
    split = phase.default_split()
    return split if phase.is_split_visible(split) else None


@dataclass
class History:
    title: str
    split: Split
    metric: str
    rows: list[tuple]  # (when, label, value) for the table view
    svg: SafeString


def _levels(split: Split, metric: str) -> list[svgchart.Level]:
    """The phase's current best (among participants) and the baseline, as lines."""
    levels = []
    shown = Standing.objects.filter(split=split)
    order = metric if metric in LOWER_IS_BETTER else f"-{metric}"
    best = shown.filter(is_baseline=False).order_by(order, *ORDER).first()
    if best is not None:
        levels.append(svgchart.Level("best", getattr(best, metric), "#1f7a3f"))
    baseline = shown.filter(is_baseline=True).order_by(*ORDER).first()
    if baseline is not None:
        levels.append(svgchart.Level("baseline", getattr(baseline, metric), "#9a6700"))
    return levels


def _describe(label: str, points, metric: str, levels) -> str:
    name = METRICS[metric]
    first, last = points[0], points[-1]
    pick = min if metric in LOWER_IS_BETTER else max
    best = pick(points, key=lambda p: p[1])
    text = (
        f"{label}: {len(points)} scored submission{'s' if len(points) != 1 else ''}; "
        f"{name} {first[1]:.4f} on {first[0]:%Y-%m-%d %H:%M}, {last[1]:.4f} on "
        f"{last[0]:%Y-%m-%d %H:%M}; best {best[1]:.4f}."
    )
    for level in levels:
        text += f" {level.label.capitalize()} of the phase: {level.value:.4f}."
    return text


def team_histories(team, phase: Phase, metric: str) -> list[History]:
    """One chart per system of the team on the phase's visible split; [] while hidden."""
    split = chart_split(phase)
    if split is None:
        return []
    scores = Score.objects.filter(
        split=split, submission__team=team, submission__status=Submission.SCORED
    )
    if not phase.is_revealed:  # a late submission's scores wait for the reveal
        scores = scores.exclude(submission__is_late=True)
    scores = scores.order_by("submission__submitted_at", "submission_id").values_list(
        "submission__system_name", "submission__submitted_at", metric
    )
    systems: dict[str, list] = {}
    for system, when, value in scores:
        systems.setdefault(system, []).append((when, value))
    levels = _levels(split, metric)
    histories = []
    for number, (system, points) in enumerate(sorted(systems.items()), start=1):
        name = METRICS[metric]
        title = f"{system}: {name} on the {phase.kind} split {split.name} over time"
        chart = svgchart.Chart(
            title, _describe(system, points, metric, levels), name,
            [svgchart.Series(system, points)], levels,
        )  # fmt: skip
        svg = svgchart.render(chart, f"chart-{phase.kind}-{number}")
        rows = [(when, system, value) for when, value in points]
        histories.append(History(title, split, metric, rows, mark_safe(svg)))
    return histories


def best_over_time(phase: Phase, split: Split) -> History | None:
    """The leaderboard's best SRCC over time (participants' submissions, not the baseline);
    None where the split is hidden or nothing is scored."""
    if not phase.is_split_visible(split):
        return None
    # Every scored submission of the split is read once per change, not once per visit.
    stamp = Submission.objects.filter(phase=phase, status=Submission.SCORED).aggregate(
        n=Count("id"), last=Max("scored_at"), out=Count("id", filter=~Q(disqualified_reason=""))
    )
    last = stamp["last"].timestamp() if stamp["last"] else 0
    # A disqualification changes the record setters too.
    out = f"{stamp['out']}:{phase.disqualifications.count()}"
    key = f"best-over-time:{split.pk}:{stamp['n']}:{last}:{out}"
    rows = cache.get(key)
    if rows is None:
        rows = _record_setters(split)
        cache.set(key, rows, 24 * 3600)
    if not rows:
        return None
    points = [(when, value) for when, _, value in rows]
    levels = [level for level in _levels(split, "srcc") if level.label == "baseline"]
    title = f"Best SRCC on the {phase.kind} split {split.name} over time"
    chart = svgchart.Chart(
        title,
        _describe("Best SRCC", points, "srcc", levels),
        "SRCC",
        [svgchart.Series("best", points, step=True)],
        levels,
    )
    svg = svgchart.render(chart, f"best-{phase.kind}-{split.name}")
    return History(title, split, "srcc", rows, mark_safe(svg))


def _record_setters(split: Split) -> list[tuple]:
    """(submitted_at, team, srcc) of each submission that raised the best SRCC."""
    scores = (
        # Late and disqualified submissions never enter a leaderboard, nor its history.
        Score.objects.filter(
            split=split,
            submission__in=standings.ranked_submissions(split.phase),
            submission__is_baseline=False,
        )
        .order_by("submission__submitted_at", "submission_id")
        .values_list("submission__submitted_at", "srcc", "submission__team__name")
    )
    rows, best = [], None
    for when, value, team in scores.iterator():
        if best is None or value > best:
            best = value
            rows.append((when, team, value))
    return rows
