"""A phase's results as files for the overview paper: CSV, JSON and LaTeX (booktabs, the
best values bold) tables, and the figures as PDF and PNG."""

import io
import json
from pathlib import Path

from competition import csv_safe
from results import charts
from results.report import METRICS, Report

FORMATS = ("csv", "json", "latex")
TABLE_COLUMNS = ["team_rank", "system_rank", "team", "system", "baseline", "srcc",
                 "srcc_ci_low", "srcc_ci_high", "group", "lcc", "ktau", "mse", "n",
                 "val_team_rank", "val_system_rank", "val_srcc", "val_lcc", "val_ktau",
                 "val_mse"]  # fmt: skip


def table_rows(report: Report) -> list[dict]:
    rows = []
    for s in report.systems:
        v = s.validation or {}
        rows.append(
            {
                "team_rank": s.team_rank,
                "system_rank": s.system_rank,
                "team": s.team,
                "system": s.system,
                "baseline": s.baseline,
                "srcc": s.srcc,
                "srcc_ci_low": s.srcc_ci[0] if s.srcc_ci else None,
                "srcc_ci_high": s.srcc_ci[1] if s.srcc_ci else None,
                "group": s.group,
                "lcc": s.lcc,
                "ktau": s.ktau,
                "mse": s.mse,
                "n": s.n,
                **{f"val_{k}": v.get(k) for k in ("team_rank", "system_rank", *METRICS)},
            }
        )
    return rows


def _csv(header: list[str], rows: list[list]) -> str:
    out = io.StringIO()
    csv_safe.write_rows(out, [header, *([("" if c is None else c) for c in row] for row in rows)])
    return out.getvalue()


def table_csv(report: Report) -> str:
    return _csv(TABLE_COLUMNS, [[r[c] for c in TABLE_COLUMNS] for r in table_rows(report)])


def subsets_csv(report: Report) -> str:
    header = ["team", "system", "baseline", "subset", *METRICS, "n", "rank"]
    rows = [
        [
            s.team,
            s.system,
            s.baseline,
            name,
            *(s.subsets[name][m] for m in METRICS),
            s.subsets[name]["n"],
            s.subsets[name].get("rank"),
        ]  # fmt: skip
        for s in report.systems
        for name in report.subsets
        if name in s.subsets
    ]
    return _csv(header, rows)


def document(report: Report) -> dict:
    """The JSON document: phase, systems (the ranked systems on the deciding split),
    ceiling; the baseline, validation figures and per-subset results under other keys."""

    def system(s) -> dict:
        return {
            "team": s.team,
            "system": s.system,
            **{m: getattr(s, m) for m in METRICS},
            "n": s.n,
            "srcc_ci": list(s.srcc_ci) if s.srcc_ci else None,
            "system_rank": s.system_rank,
            "team_rank": s.team_rank,
            "group": s.group,
            "in_leader_group": s.group == 1,
        }

    analysis = report.analysis
    wins = report.win_table()
    return {
        "phase": report.phase.kind,
        "competition": report.phase.competition.slug,
        "split": report.split.name,
        "systems": [system(s) for s in report.ranked],
        "ceiling": report.ceiling,
        "baseline": [system(s) for s in report.baselines],
        "bootstrap": None
        if analysis is None
        else {
            "resamples": analysis.resamples,
            "level": analysis.level,
            "seed": analysis.seed,
            "items": analysis.items,
            "computed_at": analysis.computed_at.isoformat(),
        },
        "validation": {
            "split": report.validation_split.name if report.validation_split else None,
            "systems": [
                {"team": s.team, "system": s.system, **s.validation}
                for s in report.systems
                if s.validation
            ],
        },
        "subsets": {
            name: [
                {"team": s.team, "system": s.system, "baseline": s.baseline, **s.subsets[name]}
                for s in report.systems
                if name in s.subsets
            ]
            for name in report.subsets
        },
        "win_probabilities": [
            {
                "team": a.team,
                "system": a.system,
                "beats": [
                    {"team": b.team, "system": b.system, "probability": p}
                    for b, p in zip((row[0] for row in wins), probs, strict=True)
                    if p is not None
                ],
            }  # fmt: skip
            for a, probs in wins
        ],
        "census": {k: v for k, v in report.census.items() if k != "parameters"},
        "descriptions": len(report.descriptions),
    }


LATEX_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
                 "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}",
                 "^": r"\textasciicircum{}"}  # fmt: skip


def tex(text) -> str:
    return "".join(LATEX_SPECIAL.get(c, c) for c in str(text))


def _num(value, best=None, digits=4) -> str:
    if value is None:
        return "--"
    shown = f"{value:.{digits}f}"
    return rf"\textbf{{{shown}}}" if best is not None and value == best else shown


def table_latex(report: Report) -> str:
    best = report.best_values()
    has_val = report.validation_split is not None
    kind = report.phase.get_kind_display()
    cols = "rrll" + "ccccc" + ("rrcccc" if has_val else "")
    lines = [
        r"% Needs \usepackage{booktabs}",
        r"\begin{table*}[t]",
        r"\centering",
        rf"\caption{{{tex(kind)} results (split {tex(report.split.name)}): both ranks, the "
        r"four metrics with the 95\% bootstrap interval of SRCC"
        + (r", and the same system on validation" if has_val else "")
        + r". Best values in bold; $\bullet$: not separable from the leader.}",
        rf"\label{{tab:results-{tex(report.phase.kind)}}}",
        rf"\begin{{tabular}}{{{cols}}}",
        r"\toprule",
    ]
    head = rf" & & & & \multicolumn{{5}}{{c}}{{{tex(kind)}}}"
    if has_val:
        head += r" & \multicolumn{6}{c}{Validation}"
    lines.append(head + r" \\")
    lines.append(r"\cmidrule(lr){5-9}" + (r"\cmidrule(lr){10-15}" if has_val else ""))
    names = "Team rank & System rank & Team & System & SRCC & 95\\% CI & LCC & KTAU & MSE"
    if has_val:
        names += " & Team rank & System rank & SRCC & LCC & KTAU & MSE"
    lines += [names + r" \\", r"\midrule"]
    for s in report.systems:
        ci = f"[{s.srcc_ci[0]:.3f}, {s.srcc_ci[1]:.3f}]" if s.srcc_ci else "--"
        mark = r"$^\bullet$" if s.group == 1 else ""
        ranked_best = None if s.baseline else best
        cells = [
            "--" if s.team_rank is None else str(s.team_rank),
            "--" if s.system_rank is None else str(s.system_rank),
            tex(s.team),
            tex(s.system) + (" (baseline)" if s.baseline else ""),
            _num(s.srcc, (ranked_best or {}).get("srcc")) + mark,
            ci,
            *(_num(getattr(s, m), (ranked_best or {}).get(m)) for m in ("lcc", "ktau", "mse")),
        ]
        if has_val:
            v = s.validation or {}
            cells += [
                "--" if v.get("team_rank") is None else str(v["team_rank"]),
                "--" if v.get("system_rank") is None else str(v["system_rank"]),
                *(_num(v.get(m), (ranked_best or {}).get(f"val_{m}")) for m in METRICS),
            ]
        lines.append(" & ".join(cells) + r" \\")
    if report.ceiling:
        span = len(cols)
        lines += [
            r"\midrule",
            rf"\multicolumn{{{span}}}{{l}}{{Human agreement: expected SRCC of a perfect "
            rf"predictor {report.ceiling['srcc']:.4f}; split-half reliability "
            rf"{report.ceiling['reliability']:.4f}.}} \\",
        ]
    lines += [r"\bottomrule", r"\end{tabular}", r"\end{table*}", ""]
    return "\n".join(lines)


def subsets_latex(report: Report) -> str:
    names = report.subsets
    best = {}
    for name in names:
        values = [s.subsets[name]["srcc"] for s in report.ranked if name in s.subsets]
        best[name] = max(values) if values else None
    lines = [
        r"% Needs \usepackage{booktabs}",
        r"\begin{table*}[t]",
        r"\centering",
        rf"\caption{{SRCC per subset ({tex(report.phase.get_kind_display())}, split "
        rf"{tex(report.split.name)}); best in bold. Subsets decide no rank.}}",
        rf"\label{{tab:subsets-{tex(report.phase.kind)}}}",
        rf"\begin{{tabular}}{{ll{'c' * len(names)}}}",
        r"\toprule",
        "Team & System & " + " & ".join(tex(n) for n in names) + r" \\",
        r"\midrule",
    ]
    for s in report.systems:
        cells = [tex(s.team), tex(s.system) + (" (baseline)" if s.baseline else "")]
        for name in names:
            score = s.subsets.get(name)
            cells.append(_num(score["srcc"], None if s.baseline else best[name]) if score else "--")
        lines.append(" & ".join(cells) + r" \\")
    lines += [r"\bottomrule", r"\end{tabular}", r"\end{table*}", ""]
    return "\n".join(lines)


def write(report: Report, fmt: str, out: Path) -> list[Path]:
    """Write the tables in `fmt` and the figures (PDF, PNG) under `out`; return the paths."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    out.mkdir(parents=True, exist_ok=True)
    stem = f"{report.phase.competition.slug}-{report.phase.kind}"
    files: dict[str, str | bytes] = {}
    if fmt == "csv":
        files[f"{stem}-table2.csv"] = table_csv(report)
        files[f"{stem}-subsets.csv"] = subsets_csv(report)
    elif fmt == "json":
        files[f"{stem}-results.json"] = json.dumps(document(report), indent=2)
    else:
        files[f"{stem}-table2.tex"] = table_latex(report)
        files[f"{stem}-subsets.tex"] = subsets_latex(report)
    for name in charts.FIGURES:
        if name == "census" and not report.descriptions:
            continue  # nothing to count yet
        for figure_format in ("pdf", "png"):
            files[f"{stem}-{name}.{figure_format}"] = charts.render(
                charts.draw(report, name), figure_format
            )
    written = []
    for name, body in files.items():
        path = out / name
        if isinstance(body, bytes):
            path.write_bytes(body)
        else:
            path.write_text(body, encoding="utf-8")
        written.append(path)
    return written


def main_text(report: Report, fmt: str) -> str:
    """The main table or document alone, for standard output."""
    if fmt == "csv":
        return table_csv(report)
    if fmt == "json":
        return json.dumps(document(report), indent=2)
    return table_latex(report)
