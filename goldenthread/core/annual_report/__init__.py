"""The annual performance summary report of a partnership's financial year, as content:
what it says, read from the data (read.py) or from a published edition's snapshot
(snapshot.py), in plain dataclasses (content.py) that the web page, the PDF and the Word
file (goldenthread.documents.annual_report) all draw, so they say the same thing. Written
for board members and the public, not analysts: a one-page summary, what went well and
what did not, each objective with its measures and actions, the top risks, the money, who
took part in reviews, the lessons and the lead link officer's commentary.

Decisions, written down here because the design is silent on them:
- An indicator's *year-end* result is its last period in the financial year that has a
  result, measured against that period's target (so a quarterly measure whose Q4 is not in
  yet is reported at Q3, and says so). Grey means no result that year or no target for it.
- *Direction of travel* compares the year-end result with the same period a year earlier,
  so seasonal measures are compared like with like.
- The *biggest improvements* and what *turned green* are issue 5's successes to celebrate
  (goldenthread.core.improvement.highlights: the latest two periods within the year), so the
  report and the partnership page celebrate the same things. The *biggest concerns* are
  the measures red at the year end, furthest from target first, then those worse than a
  year before.
- The measures reported are every indicator of the partnership: those of the year's plan
  under their objectives, and any others under "Other measures", so every measure counted in
  the summary appears in the report.
- The year's plan is the version in force at the year end (approved on or before it, the
  latest such), else the first version approved afterwards that covers the year, else the
  current plan.
- The report is *as at the year end* (issue 12; as_at.py has the rules): the measures,
  targets and action states as they stood at the end of 31 March (Europe/London), read
  from the audit history; results as signed off in their returns; any later change shown
  beside the figure it changes, with its date. The performance team may preview a draft.
- The report is written for the public, so it names organisations, not people: actions,
  risks and corrective actions show the lead organisation; reviews show how many people of
  each kind took part and which organisations they came from, never attendees' names
  (residents and customers are private individuals). The one person named is the officer
  whose commentary it is.
- Its charts are goldenthread.core.charts.report's, each with a table of its numbers.
"""

from .content import DRAFT_MARKING, AnnualReportContent
from .read import COMMENTARY_REASON, annual_report_content
from .snapshot import SNAPSHOT_FORMAT, SnapshotError
from .years import ReportYear, report_years, year_end_moment, year_plan

__all__ = [
    "COMMENTARY_REASON",
    "DRAFT_MARKING",
    "SNAPSHOT_FORMAT",
    "AnnualReportContent",
    "ReportYear",
    "SnapshotError",
    "annual_report_content",
    "report_years",
    "year_end_moment",
    "year_plan",
]
