"""The results of a partnership health check as CSV: a row per theme and per statement
with how many answered, the mean, the spread of answers and last year's mean. What it
holds is core.health_check.results', so the anonymity rule is the page's: when the results
are withheld the file says how many answered and why, and nothing more."""

from __future__ import annotations

import csv
import io

from goldenthread.core.health_check import Results
from goldenthread.rules import health_check as questionnaire

from .return_sheets import neutralise

HEADINGS = [
    "Theme",
    "Statement",
    "Answers",
    "Mean (1 strongly disagree to 5 strongly agree)",
    *questionnaire.SCALE.values(),
    questionnaire.DONT_KNOW,
    "Last year's mean",
    "Change",
]


def _mean(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def _change(value: float | None) -> str:
    return "" if value is None else f"{value:+.1f}"


def health_check_filename(results: Results) -> str:
    name = "".join(
        c for c in results.health_check.partnership.name if c.isalnum() or c in " ._-"
    ).strip()
    return f"{name} health check {results.year_label.replace('/', '-')}.csv"


def health_check_csv(results: Results) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(
        [neutralise(f"{results.health_check.partnership.name}: health check {results.year_label}")]
    )
    writer.writerow([results.count_text])
    if not results.shown:
        writer.writerow([results.withheld])
        return buffer.getvalue().encode("utf-8-sig")
    writer.writerow(HEADINGS)
    for theme in results.themes:
        counts = [n for _, n in theme.summary.spread]
        writer.writerow(
            [
                theme.theme.title,
                "All its statements",
                theme.summary.answers,
                _mean(theme.mean),
                *counts,
                _mean(theme.last_year_mean),
                _change(theme.change),
            ]
        )
        for row in theme.statements:
            writer.writerow(
                [
                    theme.theme.title,
                    row.statement.text,
                    row.summary.answers,
                    _mean(row.summary.mean),
                    *[n for _, n in row.summary.spread],
                    "",
                    "",
                ]
            )
    writer.writerow([])
    writer.writerow(["Based on the Partnership Assessment Tool: " + questionnaire.SOURCE])
    # A byte order mark, so Excel opens it with the right characters.
    return buffer.getvalue().encode("utf-8-sig")
