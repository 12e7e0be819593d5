"""Issue 17: the yearly partnership health check."""

import uuid

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

import goldenthread.core.models.fields

NOTIFICATION_KINDS = [
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
    ("health_check_opened", "A partnership health check to answer"),
]

USER = settings.AUTH_USER_MODEL
SET_NULL = django.db.models.deletion.SET_NULL
CASCADE = django.db.models.deletion.CASCADE
DO_NOTHING = django.db.models.deletion.DO_NOTHING
YEAR_HELP = "Financial year it starts, e.g. 2025 for 2025/26."
ANONYMOUS_HELP = "Nobody, not even the database, can tell who answered what."
HISTORY_OPTIONS = {
    "ordering": ("-history_date", "-history_id"),
    "get_latest_by": ("history_date", "history_id"),
}


def history_fields():
    return [
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
            models.ForeignKey(null=True, on_delete=SET_NULL, related_name="+", to=USER),
        ),
    ]


def historical(to):
    return models.ForeignKey(
        blank=True,
        db_constraint=False,
        null=True,
        on_delete=DO_NOTHING,
        related_name="+",
        to=to,
    )


def health_check_fields(history: bool):
    return [
        (
            "id",
            models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")
            if history
            else models.BigAutoField(
                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
            ),
        ),
        (
            "year",
            models.PositiveIntegerField(
                help_text=YEAR_HELP, validators=[goldenthread.core.models.fields.YearRule()]
            ),
        ),
        (
            "version",
            models.PositiveSmallIntegerField(
                default=1, help_text="The version of the questionnaire it asks."
            ),
        ),
        ("opens_on", models.DateField()),
        ("closes_on", models.DateField()),
        ("anonymous", models.BooleanField(default=True, help_text=ANONYMOUS_HELP)),
        (
            "state",
            models.CharField(
                choices=[("open", "Open"), ("closed", "Closed")], default="open", max_length=10
            ),
        ),
        ("closed_at", models.DateTimeField(blank=True, null=True)),
        (
            "created_at",
            models.DateTimeField(blank=True, editable=False)
            if history
            else models.DateTimeField(auto_now_add=True),
        ),
        (
            "partnership",
            historical("core.partnership")
            if history
            else models.ForeignKey(
                on_delete=CASCADE, related_name="health_checks", to="core.partnership"
            ),
        ),
        (
            "opened_by",
            historical(USER)
            if history
            else models.ForeignKey(
                blank=True, null=True, on_delete=SET_NULL, related_name="+", to=USER
            ),
        ),
        (
            "closed_by",
            historical(USER)
            if history
            else models.ForeignKey(
                blank=True, null=True, on_delete=SET_NULL, related_name="+", to=USER
            ),
        ),
    ]


def action_link_fields(history: bool):
    return [
        (
            "id",
            models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")
            if history
            else models.BigAutoField(
                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
            ),
        ),
        ("theme", goldenthread.core.models.fields.LimitedCharField(max_length=20)),
        (
            "created_at",
            models.DateTimeField(blank=True, editable=False)
            if history
            else models.DateTimeField(auto_now_add=True),
        ),
        (
            "health_check",
            historical("core.healthcheck")
            if history
            else models.ForeignKey(
                on_delete=CASCADE, related_name="actions", to="core.healthcheck"
            ),
        ),
        (
            "action",
            historical("core.action")
            if history
            else models.OneToOneField(
                on_delete=CASCADE, related_name="health_check_link", to="core.action"
            ),
        ),
        (
            "created_by",
            historical(USER)
            if history
            else models.ForeignKey(
                blank=True, null=True, on_delete=SET_NULL, related_name="+", to=USER
            ),
        ),
    ]


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0021_partner_profiles_and_sign_up"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="HealthCheck",
            fields=health_check_fields(history=False),
            options={
                "ordering": ["partnership", "-year"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("partnership", "year"), name="one_health_check_per_year"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("closes_on__gte", models.F("opens_on"))),
                        name="health_check_closes_after_it_opens",
                        violation_error_message=(
                            "The closing date must be on or after the opening date."
                        ),
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="HistoricalHealthCheck",
            fields=health_check_fields(history=True) + history_fields(),
            options={
                "verbose_name": "historical health check",
                "verbose_name_plural": "historical health checks",
                **HISTORY_OPTIONS,
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HealthCheckResponse",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("respondent_key", models.CharField(max_length=64)),
                (
                    "health_check",
                    models.ForeignKey(
                        on_delete=CASCADE, related_name="responses", to="core.healthcheck"
                    ),
                ),
                (
                    "respondent",
                    models.ForeignKey(
                        blank=True, null=True, on_delete=SET_NULL, related_name="+", to=USER
                    ),
                ),
            ],
            options={
                "ordering": ["health_check", "respondent_key"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("health_check", "respondent_key"), name="one_response_per_person"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="HealthCheckAnswer",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("statement", models.CharField(max_length=40)),
                ("score", models.PositiveSmallIntegerField(blank=True, null=True)),
                (
                    "response",
                    models.ForeignKey(
                        on_delete=CASCADE, related_name="answers", to="core.healthcheckresponse"
                    ),
                ),
            ],
            options={
                "ordering": ["response", "statement"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("response", "statement"), name="one_answer_per_statement"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("score__isnull", True),
                            models.Q(("score__gte", 1), ("score__lte", 5)),
                            _connector="OR",
                        ),
                        name="health_check_score_on_scale",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="HealthCheckComment",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("theme", models.CharField(max_length=20)),
                ("text", goldenthread.core.models.fields.LimitedTextField(max_length=2000)),
                (
                    "response",
                    models.ForeignKey(
                        on_delete=CASCADE, related_name="comments", to="core.healthcheckresponse"
                    ),
                ),
            ],
            options={
                "ordering": ["response", "theme"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("response", "theme"), name="one_comment_per_theme"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="HealthCheckAction",
            fields=action_link_fields(history=False),
            options={"ordering": ["health_check", "theme", "created_at"]},
        ),
        migrations.CreateModel(
            name="HistoricalHealthCheckAction",
            fields=action_link_fields(history=True) + history_fields(),
            options={
                "verbose_name": "historical health check action",
                "verbose_name_plural": "historical health check actions",
                **HISTORY_OPTIONS,
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.AlterField(
            model_name="notification",
            name="kind",
            field=models.CharField(choices=NOTIFICATION_KINDS, max_length=30),
        ),
        migrations.AlterField(
            model_name="notificationpreference",
            name="kind",
            field=models.CharField(choices=NOTIFICATION_KINDS, max_length=30),
        ),
    ]
