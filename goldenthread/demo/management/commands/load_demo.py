"""python manage.py load_demo [--if-empty]: load the demo partnerships, people and data.

Safe to run again: what the demo loaded is found again and only what differs is written
(see goldenthread.demo.load).
"""

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from goldenthread.core.models import Partnership
from goldenthread.core.services.notifications import without_email
from goldenthread.demo.catalogue import PASSWORD, PEOPLE, SIGN_INS
from goldenthread.demo.load import LoadReport, load_demo
from goldenthread.rules import Rag


class Command(BaseCommand):
    help = (
        "Load the demo: illustrative partnerships, people, plans, actions and risks, with real "
        "published statistics for Trafford as indicator results. Safe to run more than once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing to the data if any partnership exists already.",
        )

    def handle(self, *args, if_empty: bool = False, **options) -> None:
        if if_empty and Partnership.objects.exists():
            self.stdout.write("Partnerships exist already, so the demo data was left as it is.")
        else:
            # Its people have made-up addresses: what they are told stays in the product.
            with without_email():
                report = load_demo(today=timezone.localdate())
            self._write_report(report)
        self._write_sign_ins()

    def _write_report(self, report: LoadReport) -> None:
        out = self.stdout.write
        total = sum(p.indicators for p in report.partnerships)
        out(f"Loaded the demo: {len(report.partnerships)} partnerships, {total} indicators.")
        for p in report.partnerships:
            n = p.numbers
            rags = ", ".join(f"{n.latest_rag[r]} {r.label.lower()}" for r in Rag if n.latest_rag[r])
            out(
                f"  {p.name}: {p.members} members, {p.indicators} indicators "
                f"({n.results} results, {n.targets} targets; latest period {rags}), "
                f"{p.objectives} objectives, {p.actions} actions, {p.risks} risks"
            )
        s = report.skipped
        several = sum(s.bad_period.values())
        labels = ", ".join(sorted(s.bad_period)) or "none"
        out("Published rows for Trafford not loaded:")
        out(
            f"  {several} whose period spans several years or cannot be read ({labels}): "
            "they cannot be stored against one period"
        )
        if s.inequality:
            out(f"  {s.inequality} breaking a figure down by deprivation or other inequality")
        out(f"  {s.not_available} published as NA (not available)")
        if s.wrong_frequency:
            out(f"  {sum(s.wrong_frequency.values())} whose period does not fit the indicator")
        out(f"  {s.replaced} replaced by a later row for the same period")
        if s.rounded:
            out(f"  ({s.rounded} values published with more than 6 decimal places held to 6)")

    def _write_sign_ins(self) -> None:
        names = {p.username: f"{p.first_name} {p.last_name}" for p in PEOPLE}
        width = max(len(username) for username, _ in SIGN_INS)
        self.stdout.write(f"Demo sign-ins (every demo user's password is {PASSWORD}):")
        for username, sees in SIGN_INS:
            self.stdout.write(f"  {username:<{width}}  {names[username]}: {sees}")
