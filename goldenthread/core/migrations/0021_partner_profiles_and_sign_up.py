"""Issue 17: signing up to a plan, partner profiles and capacity, contributions from outside."""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

import goldenthread.core.models.fields


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0020_indicator_library"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="notification",
            name="kind",
            field=models.CharField(
                choices=[
                    ("return_returned", "A return sent back for changes"),
                    ("return_signed_off", "A return signed off"),
                    ("form_returned", "An annual update form sent back for changes"),
                    ("form_accepted", "An annual update form accepted"),
                    ("feedback_received", "Feedback received"),
                    ("feedback_answered", "An answer to your feedback"),
                    ("comment", "A comment mentioning you or addressed to you"),
                    ("corrective_assigned", "A corrective action given to you"),
                    ("corrective_overdue", "A corrective action of yours is overdue"),
                    ("plan_approved", "A plan approved"),
                    ("plan_sign_up", "Asked to sign up to an approved plan"),
                    ("plan_concern", "A partner raised a concern about the plan"),
                    ("reminder", "A reminder about a return's deadline"),
                ],
                max_length=30,
            ),
        ),
        migrations.AlterField(
            model_name="notificationpreference",
            name="kind",
            field=models.CharField(
                choices=[
                    ("return_returned", "A return sent back for changes"),
                    ("return_signed_off", "A return signed off"),
                    ("form_returned", "An annual update form sent back for changes"),
                    ("form_accepted", "An annual update form accepted"),
                    ("feedback_received", "Feedback received"),
                    ("feedback_answered", "An answer to your feedback"),
                    ("comment", "A comment mentioning you or addressed to you"),
                    ("corrective_assigned", "A corrective action given to you"),
                    ("corrective_overdue", "A corrective action of yours is overdue"),
                    ("plan_approved", "A plan approved"),
                    ("plan_sign_up", "Asked to sign up to an approved plan"),
                    ("plan_concern", "A partner raised a concern about the plan"),
                    ("reminder", "A reminder about a return's deadline"),
                ],
                max_length=30,
            ),
        ),
        migrations.CreateModel(
            name="HistoricalOutsideContribution",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "organisation_name",
                    goldenthread.core.models.fields.LimitedCharField(
                        max_length=200, verbose_name="organisation"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("money", "Money"),
                            ("people", "People"),
                            ("data", "Data"),
                            ("venues", "Venues"),
                            ("other", "Other"),
                        ],
                        max_length=10,
                    ),
                ),
                ("description", goldenthread.core.models.fields.LimitedTextField(max_length=2000)),
                (
                    "amount",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        max_digits=14,
                        null=True,
                        verbose_name="amount (£)",
                    ),
                ),
                (
                    "year",
                    models.PositiveIntegerField(
                        help_text="Financial year it starts, e.g. 2025 for 2025/26.",
                        validators=[goldenthread.core.models.fields.YearRule()],
                    ),
                ),
                ("recorded_at", models.DateTimeField(blank=True, editable=False)),
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
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "objective",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="core.objective",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "historical outside contribution",
                "verbose_name_plural": "historical outside contributions",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalPartnerProfile",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "statutory_duties",
                    goldenthread.core.models.fields.LimitedTextField(
                        blank=True,
                        help_text="The duties the law places on it that bear on this work.",
                        max_length=2000,
                    ),
                ),
                (
                    "own_plans",
                    goldenthread.core.models.fields.LimitedTextField(
                        blank=True,
                        help_text="Its own plans, and the targets it must meet, that this work touches.",
                        max_length=2000,
                        verbose_name="its own plans and targets",
                    ),
                ),
                (
                    "planning_cycle",
                    goldenthread.core.models.fields.LimitedTextField(
                        blank=True,
                        help_text="When it plans and when it sets its budget.",
                        max_length=2000,
                        verbose_name="planning and budget timescales",
                    ),
                ),
                (
                    "capacity_year",
                    models.PositiveIntegerField(
                        blank=True,
                        help_text="The financial year the capacity is stated for, e.g. 2025 for 2025/26.",
                        null=True,
                        validators=[goldenthread.core.models.fields.YearRule()],
                    ),
                ),
                (
                    "capacity_people",
                    models.DecimalField(
                        blank=True,
                        decimal_places=1,
                        max_digits=7,
                        null=True,
                        verbose_name="people (full-time equivalent)",
                    ),
                ),
                (
                    "capacity_money",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        max_digits=14,
                        null=True,
                        verbose_name="money (£)",
                    ),
                ),
                (
                    "max_actions",
                    models.PositiveSmallIntegerField(
                        blank=True, null=True, verbose_name="most actions it can lead at once"
                    ),
                ),
                (
                    "board_decisions",
                    goldenthread.core.models.fields.LimitedTextField(
                        blank=True,
                        max_length=2000,
                        verbose_name="decisions it needs from its own board",
                    ),
                ),
                ("updated_at", models.DateTimeField(blank=True, editable=False)),
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
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="core.organisation",
                    ),
                ),
                (
                    "partnership",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="core.partnership",
                    ),
                ),
                (
                    "updated_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "historical partner profile",
                "verbose_name_plural": "historical partner profiles",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalPlanSignUp",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("agreed", "Agreed"),
                            ("agreed_with_comments", "Agreed, with comments"),
                            ("concern", "Concern raised"),
                        ],
                        max_length=24,
                    ),
                ),
                (
                    "comment",
                    goldenthread.core.models.fields.LimitedTextField(blank=True, max_length=2000),
                ),
                ("signed_at", models.DateTimeField()),
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
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="core.organisation",
                    ),
                ),
                (
                    "plan",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="core.plan",
                    ),
                ),
                (
                    "signed_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "historical plan sign up",
                "verbose_name_plural": "historical plan sign ups",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="PartnerProfile",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "statutory_duties",
                    goldenthread.core.models.fields.LimitedTextField(
                        blank=True,
                        help_text="The duties the law places on it that bear on this work.",
                        max_length=2000,
                    ),
                ),
                (
                    "own_plans",
                    goldenthread.core.models.fields.LimitedTextField(
                        blank=True,
                        help_text="Its own plans, and the targets it must meet, that this work touches.",
                        max_length=2000,
                        verbose_name="its own plans and targets",
                    ),
                ),
                (
                    "planning_cycle",
                    goldenthread.core.models.fields.LimitedTextField(
                        blank=True,
                        help_text="When it plans and when it sets its budget.",
                        max_length=2000,
                        verbose_name="planning and budget timescales",
                    ),
                ),
                (
                    "capacity_year",
                    models.PositiveIntegerField(
                        blank=True,
                        help_text="The financial year the capacity is stated for, e.g. 2025 for 2025/26.",
                        null=True,
                        validators=[goldenthread.core.models.fields.YearRule()],
                    ),
                ),
                (
                    "capacity_people",
                    models.DecimalField(
                        blank=True,
                        decimal_places=1,
                        max_digits=7,
                        null=True,
                        verbose_name="people (full-time equivalent)",
                    ),
                ),
                (
                    "capacity_money",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        max_digits=14,
                        null=True,
                        verbose_name="money (£)",
                    ),
                ),
                (
                    "max_actions",
                    models.PositiveSmallIntegerField(
                        blank=True, null=True, verbose_name="most actions it can lead at once"
                    ),
                ),
                (
                    "board_decisions",
                    goldenthread.core.models.fields.LimitedTextField(
                        blank=True,
                        max_length=2000,
                        verbose_name="decisions it needs from its own board",
                    ),
                ),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="partner_profiles",
                        to="core.organisation",
                    ),
                ),
                (
                    "partnership",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="partner_profiles",
                        to="core.partnership",
                    ),
                ),
                (
                    "updated_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["partnership", "organisation__name"],
            },
        ),
        migrations.CreateModel(
            name="PartnerDecisionDate",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("date", models.DateField()),
                ("what", goldenthread.core.models.fields.LimitedCharField(max_length=200)),
                (
                    "profile",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="decision_dates",
                        to="core.partnerprofile",
                    ),
                ),
            ],
            options={
                "ordering": ["profile", "date", "pk"],
            },
        ),
        migrations.CreateModel(
            name="HistoricalPartnerDecisionDate",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("date", models.DateField()),
                ("what", goldenthread.core.models.fields.LimitedCharField(max_length=200)),
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
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "profile",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="core.partnerprofile",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical partner decision date",
                "verbose_name_plural": "historical partner decision dates",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="PlanSignUp",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("agreed", "Agreed"),
                            ("agreed_with_comments", "Agreed, with comments"),
                            ("concern", "Concern raised"),
                        ],
                        max_length=24,
                    ),
                ),
                (
                    "comment",
                    goldenthread.core.models.fields.LimitedTextField(blank=True, max_length=2000),
                ),
                ("signed_at", models.DateTimeField()),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="plan_sign_ups",
                        to="core.organisation",
                    ),
                ),
                (
                    "plan",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="sign_ups",
                        to="core.plan",
                    ),
                ),
                (
                    "signed_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["plan", "organisation__name"],
            },
        ),
        migrations.CreateModel(
            name="OutsideContribution",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "organisation_name",
                    goldenthread.core.models.fields.LimitedCharField(
                        max_length=200, verbose_name="organisation"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("money", "Money"),
                            ("people", "People"),
                            ("data", "Data"),
                            ("venues", "Venues"),
                            ("other", "Other"),
                        ],
                        max_length=10,
                    ),
                ),
                ("description", goldenthread.core.models.fields.LimitedTextField(max_length=2000)),
                (
                    "amount",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        max_digits=14,
                        null=True,
                        verbose_name="amount (£)",
                    ),
                ),
                (
                    "year",
                    models.PositiveIntegerField(
                        help_text="Financial year it starts, e.g. 2025 for 2025/26.",
                        validators=[goldenthread.core.models.fields.YearRule()],
                    ),
                ),
                ("recorded_at", models.DateTimeField(auto_now_add=True)),
                (
                    "objective",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="outside_contributions",
                        to="core.objective",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["objective", "year", "organisation_name", "pk"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("kind__in", ["money", "people", "data", "venues", "other"])
                        ),
                        name="contribution_kind_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("amount__isnull", True),
                            models.Q(("kind", "money"), ("amount__gte", 0)),
                            _connector="OR",
                        ),
                        name="contribution_amount_only_for_money",
                    ),
                ],
            },
        ),
        migrations.AddConstraint(
            model_name="partnerprofile",
            constraint=models.UniqueConstraint(
                fields=("partnership", "organisation"), name="one_profile_per_partner"
            ),
        ),
        migrations.AddConstraint(
            model_name="partnerprofile",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("capacity_people__isnull", True), ("capacity_people__gte", 0), _connector="OR"
                ),
                name="profile_people_not_negative",
            ),
        ),
        migrations.AddConstraint(
            model_name="partnerprofile",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("capacity_money__isnull", True), ("capacity_money__gte", 0), _connector="OR"
                ),
                name="profile_money_not_negative",
            ),
        ),
        migrations.AddConstraint(
            model_name="plansignup",
            constraint=models.UniqueConstraint(
                fields=("plan", "organisation"), name="one_sign_up_per_plan_and_organisation"
            ),
        ),
        migrations.AddConstraint(
            model_name="plansignup",
            constraint=models.CheckConstraint(
                condition=models.Q(("state__in", ["agreed", "agreed_with_comments", "concern"])),
                name="sign_up_state_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="plansignup",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("state", "agreed"), models.Q(("comment", ""), _negated=True), _connector="OR"
                ),
                name="sign_up_comment_when_not_plain_agreement",
            ),
        ),
    ]
