"""The paper's figures, drawn on the server with matplotlib. matplotlib is imported inside
the functions only, so the web process pays for it when a chart is drawn, not at start-up."""

import io

from results.report import Report

FIGURES = ("fig3", "fig4", "census")


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"font.size": 9, "axes.spines.top": False, "axes.spines.right": False,
                         "svg.fonttype": "path"})  # fmt: skip
    return plt


def fig3(report: Report):
    """Each team's best SRCC on the deciding split, with 95% CI whiskers, the baseline
    and the human ceiling as lines."""
    plt = _pyplot()
    teams = report.team_best()
    width = max(8.0, 0.4 * len(teams) + 2.0)
    fig, ax = plt.subplots(figsize=(width, 3.4), layout="constrained")
    xs = range(len(teams))
    heights = [s.srcc for s in teams]
    lows = [s.srcc - s.srcc_ci[0] if s.srcc_ci else 0.0 for s in teams]
    highs = [s.srcc_ci[1] - s.srcc if s.srcc_ci else 0.0 for s in teams]
    colors = ["#3b6ea8" if s.group == 1 else "#9bb5d3" for s in teams]
    ax.bar(xs, heights, color=colors, yerr=[lows, highs], capsize=2.5, ecolor="#333",
           error_kw={"linewidth": 0.8})  # fmt: skip
    for baseline in report.baselines[:1]:
        ax.axhline(baseline.srcc, color="#c0392b", linestyle="--", linewidth=1,
                   label=f"Baseline ({baseline.srcc:.3f})")  # fmt: skip
    if report.ceiling:
        ax.axhline(report.ceiling["srcc"], color="#2e7d32", linestyle=":", linewidth=1.2,
                   label=f"Human agreement ({report.ceiling['srcc']:.3f})")  # fmt: skip
    ax.set_xticks(list(xs), [s.team for s in teams], rotation=60, ha="right", fontsize=8)
    ax.set_ylabel(f"SRCC ({report.phase.kind}, {report.split.name})")
    ax.set_xlabel("Team (best system); dark bars: not separable from the leader")
    ax.set_title(f"Fig. 3: SRCC of each team's best system, {report.phase.kind}")
    ax.set_ylim(min(0.0, *heights) if heights else 0.0, 1.0)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="upper right", frameon=False, fontsize=8)
    if not teams:
        ax.text(0.5, 0.5, "No ranked systems yet", ha="center", transform=ax.transAxes)
    return fig


def fig4(report: Report):
    """Validation SRCC against test SRCC, parameter count against SRCC, SRCC against
    MSE, across systems, each with Pearson's r."""
    plt = _pyplot()
    fig, axes = plt.subplots(1, 3, figsize=(10.5, 3.4), layout="constrained")
    ranked = report.ranked
    kind = report.phase.kind

    ax = axes[0]
    pairs = [(s.validation["srcc"], s.srcc) for s in ranked if s.validation]
    if pairs:
        xs, ys = zip(*pairs, strict=True)
        ax.scatter(xs, ys, s=14, color="#3b6ea8")
        lo, hi = min(*xs, *ys) - 0.02, max(*xs, *ys) + 0.02
        ax.plot([lo, hi], [lo, hi], color="#bbb", linewidth=0.8)
    _titled(ax, "(a) validation vs. test", report.correlation(*zip(*pairs, strict=True))
            if pairs else None)  # fmt: skip
    ax.set_xlabel("SRCC, validation")
    ax.set_ylabel(f"SRCC, {kind}")
    if not pairs:
        _empty(ax, "Only a test phase has a\nvalidation counterpart" if kind != "test"
               else "No system on both phases")  # fmt: skip

    ax = axes[1]
    params = report.census.get("parameters", {})
    pairs = [(params[s.key_names], s.srcc) for s in ranked if s.key_names in params]
    if pairs:
        xs, ys = zip(*pairs, strict=True)
        ax.scatter(xs, ys, s=14, color="#3b6ea8")
        ax.set_xscale("log")
    _titled(ax, "(b) parameters vs. SRCC", report.correlation(*zip(*pairs, strict=True))
            if pairs else None)  # fmt: skip
    ax.set_xlabel("Parameters")
    ax.set_ylabel(f"SRCC, {kind}")
    if not pairs:
        _empty(ax, "No system descriptions yet:\nparameter counts unknown")

    ax = axes[2]
    pairs = [(s.srcc, s.mse) for s in ranked]
    if pairs:
        xs, ys = zip(*pairs, strict=True)
        ax.scatter(xs, ys, s=14, color="#3b6ea8")
        if max(ys) > 10 * max(min(ys), 1e-9):
            ax.set_yscale("log")
    _titled(ax, "(c) SRCC vs. MSE", report.correlation(*zip(*pairs, strict=True))
            if pairs else None)  # fmt: skip
    ax.set_xlabel(f"SRCC, {kind}")
    ax.set_ylabel(f"MSE, {kind}")
    if not pairs:
        _empty(ax, "No ranked systems yet")
    fig.suptitle("Fig. 4: across systems", fontsize=10)
    return fig


def census(report: Report):
    """What the described systems used: encoders, predictors and losses as counts of
    systems, and how many used external data."""
    plt = _pyplot()
    found = report.census
    fig, axes = plt.subplots(1, 4, figsize=(12, 3.4), layout="constrained")
    parts = [("encoders", "Encoders"), ("predictor", "Predictors"), ("losses", "Losses")]
    for ax, (key, title) in zip(axes, parts, strict=False):
        counts = found.get(key) or []
        if counts:
            names, values = zip(*counts[:12], strict=True)
            ax.barh(range(len(names)), values, color="#3b6ea8")
            ax.set_yticks(range(len(names)), names, fontsize=8)
            ax.invert_yaxis()
            ax.set_xlabel("Systems")
        else:
            _empty(ax, "No system descriptions yet")
        ax.set_title(title, fontsize=9)
    ax = axes[3]
    total = found.get("systems", 0)
    if total:
        used = found.get("external_data", 0)
        ax.bar([0, 1], [used, total - used], color=["#3b6ea8", "#9bb5d3"])
        ax.set_xticks([0, 1], ["External data", "None"])
        ax.set_ylabel("Systems")
    else:
        _empty(ax, "No system descriptions yet")
    ax.set_title("External data", fontsize=9)
    fig.suptitle(f"Census of {total} system descriptions", fontsize=10)
    return fig


def _titled(ax, title, r):
    ax.set_title(title + (f" (r = {r:.3f})" if r is not None else ""), fontsize=9)


def _empty(ax, text):
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, color="#777")
    ax.set_xticks([])
    ax.set_yticks([])


def draw(report: Report, name: str):
    if name not in FIGURES:
        raise ValueError(f"no figure {name!r}")
    return {"fig3": fig3, "fig4": fig4, "census": census}[name](report)


def render(figure, fmt: str) -> bytes:
    """The figure as svg, png or pdf bytes; the figure is closed."""
    plt = _pyplot()
    out = io.BytesIO()
    try:
        figure.savefig(out, format=fmt, dpi=150 if fmt == "png" else None,
                       metadata={"Date": None} if fmt in ("svg", "pdf") else None)  # fmt: skip
    finally:
        plt.close(figure)
    return out.getvalue()
