"""python manage.py load_large_council [--partnerships N] [--indicators N] [--quarters N]
[--people N]: load a demo scaled to a large council, for load tests (goldenthread.demo.large)."""

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from goldenthread.demo.large import PASSWORD, Size, analyse, load_large_council


class Command(BaseCommand):
    help = (
        "Load a demo scaled to a large council (by default 100 partnerships, 4,000 "
        "indicators, ten years of quarterly results, 500 people) for load tests. Refuses to "
        "load it twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        default = Size()
        parser.add_argument("--partnerships", type=int, default=default.partnerships)
        parser.add_argument(
            "--indicators", type=int, default=default.indicators, help="Per partnership."
        )
        parser.add_argument(
            "--quarters", type=int, default=default.quarters, help="Of targets and results."
        )
        parser.add_argument("--people", type=int, default=default.people)

    def handle(self, *args, **options) -> None:
        try:
            size = Size(
                partnerships=options["partnerships"],
                indicators=options["indicators"],
                quarters=options["quarters"],
                people=options["people"],
            )
            built = load_large_council(size=size, today=timezone.localdate())
        except ValueError as error:
            raise CommandError(str(error)) from error
        analyse()
        self.stdout.write(
            f"Loaded the large council: {built.partnerships} partnerships, "
            f"{built.indicators:,} indicators, {built.results:,} results, "
            f"{built.targets:,} targets, {built.people} people in {built.memberships} "
            f"memberships, {built.returns} returns ({built.open_returns} open)."
        )
        self.stdout.write(
            f"Everyone's password is {PASSWORD}. The performance team are large-person-000 "
            "to 009; large-person-010 leads the first partnership, 011 the second, and so on."
        )
