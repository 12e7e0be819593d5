"""Issue 16: the council indicator library (one indicator, many partnerships)."""

import django.db.models.deletion
import goldenthread.core.models.fields
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0019_polarity_neither"),
    ]

    operations = [
        migrations.CreateModel(
            name="LibraryResult",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("period", goldenthread.core.models.fields.PeriodField()),
                (
                    "value",
                    models.DecimalField(
                        blank=True,
                        decimal_places=6,
                        help_text="Figures are kept to 6 decimal places: a figure with more is rounded half up to 6 (2.0000005 is kept as 2.000001), however it is entered or imported.",
                        max_digits=18,
                        null=True,
                    ),
                ),
                ("not_available", models.BooleanField(default=False)),
                (
                    "not_available_reason",
                    goldenthread.core.models.fields.LimitedTextField(blank=True, max_length=500),
                ),
                (
                    "note",
                    goldenthread.core.models.fields.LimitedTextField(blank=True, max_length=500),
                ),
                ("entered_at", models.DateTimeField(auto_now=True)),
            ],
            options={
                "ordering": ["library_indicator", "period"],
            },
        ),
        migrations.CreateModel(
            name="HistoricalLibraryIndicator",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "code",
                    goldenthread.core.models.fields.LimitedCharField(
                        db_index=True,
                        help_text="A short reference in the library, like NEET1. Plans using it start with this code for their own copy.",
                        max_length=20,
                    ),
                ),
                ("title", goldenthread.core.models.fields.LimitedCharField(max_length=300)),
                (
                    "definition",
                    goldenthread.core.models.fields.LimitedTextField(blank=True, max_length=1000),
                ),
                (
                    "source",
                    goldenthread.core.models.fields.LimitedTextField(
                        blank=True,
                        help_text="Who publishes the figures, for example “Department for Education, NCCIS”.",
                        max_length=500,
                    ),
                ),
                (
                    "metric_reference",
                    goldenthread.core.models.fields.LimitedCharField(
                        blank=True,
                        help_text="The published measure's reference: an LG Inform metric id, an ONS dataset or a Fingertips indicator id.",
                        max_length=100,
                        verbose_name="metric reference",
                    ),
                ),
                (
                    "unit",
                    goldenthread.core.models.fields.LimitedCharField(
                        blank=True,
                        help_text="For example %, rate per 10,000, count.",
                        max_length=60,
                    ),
                ),
                ("decimals", models.PositiveSmallIntegerField(default=0)),
                (
                    "polarity",
                    models.CharField(
                        choices=[
                            ("higher", "Higher is better"),
                            ("lower", "Lower is better"),
                            ("band", "Within a target band"),
                            ("neither", "Neither higher nor lower is better"),
                        ],
                        default="higher",
                        max_length=10,
                    ),
                ),
                (
                    "frequency",
                    models.CharField(
                        choices=[
                            ("monthly", "Monthly"),
                            ("quarterly", "Quarterly"),
                            ("annual", "Annual"),
                        ],
                        default="quarterly",
                        max_length=10,
                    ),
                ),
                (
                    "roll_up",
                    models.CharField(
                        choices=[
                            ("sum", "Add the periods up"),
                            ("mean", "Average of the periods"),
                            ("latest", "Latest period's value"),
                        ],
                        default="latest",
                        max_length=10,
                    ),
                ),
                ("created_at", models.DateTimeField(blank=True, editable=False)),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.TextField(null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "owner",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        help_text="Enters the results, once, for every plan that uses the indicator.",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "owner_organisation",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="core.organisation",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical council library indicator",
                "verbose_name_plural": "historical council library indicators",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="LibraryIndicator",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "code",
                    goldenthread.core.models.fields.LimitedCharField(
                        help_text="A short reference in the library, like NEET1. Plans using it start with this code for their own copy.",
                        max_length=20,
                        unique=True,
                    ),
                ),
                ("title", goldenthread.core.models.fields.LimitedCharField(max_length=300)),
                (
                    "definition",
                    goldenthread.core.models.fields.LimitedTextField(blank=True, max_length=1000),
                ),
                (
                    "source",
                    goldenthread.core.models.fields.LimitedTextField(
                        blank=True,
                        help_text="Who publishes the figures, for example “Department for Education, NCCIS”.",
                        max_length=500,
                    ),
                ),
                (
                    "metric_reference",
                    goldenthread.core.models.fields.LimitedCharField(
                        blank=True,
                        help_text="The published measure's reference: an LG Inform metric id, an ONS dataset or a Fingertips indicator id.",
                        max_length=100,
                        verbose_name="metric reference",
                    ),
                ),
                (
                    "unit",
                    goldenthread.core.models.fields.LimitedCharField(
                        blank=True,
                        help_text="For example %, rate per 10,000, count.",
                        max_length=60,
                    ),
                ),
                ("decimals", models.PositiveSmallIntegerField(default=0)),
                (
                    "polarity",
                    models.CharField(
                        choices=[
                            ("higher", "Higher is better"),
                            ("lower", "Lower is better"),
                            ("band", "Within a target band"),
                            ("neither", "Neither higher nor lower is better"),
                        ],
                        default="higher",
                        max_length=10,
                    ),
                ),
                (
                    "frequency",
                    models.CharField(
                        choices=[
                            ("monthly", "Monthly"),
                            ("quarterly", "Quarterly"),
                            ("annual", "Annual"),
                        ],
                        default="quarterly",
                        max_length=10,
                    ),
                ),
                (
                    "roll_up",
                    models.CharField(
                        choices=[
                            ("sum", "Add the periods up"),
                            ("mean", "Average of the periods"),
                            ("latest", "Latest period's value"),
                        ],
                        default="latest",
                        max_length=10,
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "owner",
                    models.ForeignKey(
                        blank=True,
                        help_text="Enters the results, once, for every plan that uses the indicator.",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="owned_library_indicators",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "owner_organisation",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="core.organisation",
                    ),
                ),
            ],
            options={
                "verbose_name": "council library indicator",
                "ordering": ["title", "code"],
            },
        ),
        migrations.CreateModel(
            name="HistoricalLibraryResult",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("period", goldenthread.core.models.fields.PeriodField()),
                (
                    "value",
                    models.DecimalField(
                        blank=True,
                        decimal_places=6,
                        help_text="Figures are kept to 6 decimal places: a figure with more is rounded half up to 6 (2.0000005 is kept as 2.000001), however it is entered or imported.",
                        max_digits=18,
                        null=True,
                    ),
                ),
                ("not_available", models.BooleanField(default=False)),
                (
                    "not_available_reason",
                    goldenthread.core.models.fields.LimitedTextField(blank=True, max_length=500),
                ),
                (
                    "note",
                    goldenthread.core.models.fields.LimitedTextField(blank=True, max_length=500),
                ),
                ("entered_at", models.DateTimeField(blank=True, editable=False)),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.TextField(null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "entered_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "library_indicator",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="core.libraryindicator",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical library result",
                "verbose_name_plural": "historical library results",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.AddField(
            model_name="historicalindicator",
            name="library_indicator",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text="The council library indicator this is the partnership's use of.",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="core.libraryindicator",
            ),
        ),
        migrations.AddField(
            model_name="indicator",
            name="library_indicator",
            field=models.ForeignKey(
                blank=True,
                help_text="The council library indicator this is the partnership's use of.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="uses",
                to="core.libraryindicator",
            ),
        ),
        migrations.AddConstraint(
            model_name="indicator",
            constraint=models.UniqueConstraint(
                condition=models.Q(("library_indicator__isnull", False)),
                fields=("partnership", "library_indicator"),
                name="library_indicator_used_once_per_partnership",
                violation_error_message="This partnership already uses that library indicator.",
            ),
        ),
        migrations.AddField(
            model_name="libraryresult",
            name="entered_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="libraryresult",
            name="library_indicator",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="results",
                to="core.libraryindicator",
            ),
        ),
        migrations.AddConstraint(
            model_name="libraryindicator",
            constraint=models.CheckConstraint(
                condition=models.Q(("decimals__lte", 6)), name="library_decimals_at_most_6"
            ),
        ),
        migrations.AddConstraint(
            model_name="libraryindicator",
            constraint=models.CheckConstraint(
                condition=models.Q(("polarity__in", ["higher", "lower", "band", "neither"])),
                name="library_polarity_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="libraryindicator",
            constraint=models.CheckConstraint(
                condition=models.Q(("frequency__in", ["monthly", "quarterly", "annual"])),
                name="library_frequency_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="libraryresult",
            constraint=models.UniqueConstraint(
                fields=("library_indicator", "period"), name="one_library_result_per_period"
            ),
        ),
        migrations.AddConstraint(
            model_name="libraryresult",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("value__isnull", False), ("not_available", True), _connector="OR"
                ),
                name="library_result_has_value_or_is_not_available",
                violation_error_message="Enter a value, or mark the result as not available.",
            ),
        ),
    ]
