"""Issue 17: residents' feedback on public pages and the Cabinet quarterly report.

Feedback gains where it came from (signed in, or the public page), the name and e-mail
address a resident chose to give (private), whether its answer is published, and a
history. The Cabinet report is read from the returns and needs no table of its own."""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

import goldenthread.core.models.fields


class Migration(migrations.Migration):
    dependencies = [("core", "0022_partnership_health_check")]

    operations = [
        migrations.AddField(
            model_name="feedback",
            name="source",
            field=models.CharField(
                choices=[("member", "Someone signed in"), ("public", "The public page")],
                default="member",
                max_length=8,
            ),
        ),
        migrations.AddField(
            model_name="feedback",
            name="name",
            field=goldenthread.core.models.fields.LimitedCharField(
                blank=True,
                help_text="Public feedback only; never shown.",
                max_length=200,
                verbose_name="your name",
            ),
        ),
        migrations.AddField(
            model_name="feedback",
            name="email",
            field=goldenthread.core.models.fields.LimitedCharField(
                blank=True,
                help_text="Public feedback only; never shown.",
                max_length=254,
                verbose_name="your e-mail address",
            ),
        ),
        migrations.AddField(
            model_name="feedback",
            name="answer_published",
            field=models.BooleanField(
                default=False,
                help_text="The question and the answer are shown on the public page, without "
                "the name or e-mail address.",
                verbose_name="publish the answer",
            ),
        ),
        migrations.AddConstraint(
            model_name="feedback",
            constraint=models.CheckConstraint(
                condition=models.Q(("source__in", ["member", "public"])),
                name="feedback_source_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="feedback",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("email", ""), ("name", ""), ("source", "member")),
                    models.Q(("author__isnull", True), ("source", "public")),
                    _connector="OR",
                ),
                name="feedback_public_has_no_author",
            ),
        ),
        migrations.AddConstraint(
            model_name="feedback",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("answer_published", False),
                    models.Q(("source", "public"), models.Q(("answer", ""), _negated=True)),
                    _connector="OR",
                ),
                name="feedback_published_answer_exists",
            ),
        ),
        migrations.CreateModel(
            name="HistoricalFeedback",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "source",
                    models.CharField(
                        choices=[("member", "Someone signed in"), ("public", "The public page")],
                        default="member",
                        max_length=8,
                    ),
                ),
                (
                    "name",
                    goldenthread.core.models.fields.LimitedCharField(
                        blank=True,
                        help_text="Public feedback only; never shown.",
                        max_length=200,
                        verbose_name="your name",
                    ),
                ),
                (
                    "email",
                    goldenthread.core.models.fields.LimitedCharField(
                        blank=True,
                        help_text="Public feedback only; never shown.",
                        max_length=254,
                        verbose_name="your e-mail address",
                    ),
                ),
                (
                    "about",
                    goldenthread.core.models.fields.LimitedCharField(
                        blank=True, help_text="What the feedback is about.", max_length=300
                    ),
                ),
                ("body", goldenthread.core.models.fields.LimitedTextField(max_length=2000)),
                ("created_at", models.DateTimeField(blank=True, editable=False)),
                (
                    "answer",
                    goldenthread.core.models.fields.LimitedTextField(blank=True, max_length=2000),
                ),
                ("answered_at", models.DateTimeField(blank=True, null=True)),
                (
                    "answer_published",
                    models.BooleanField(
                        default=False,
                        help_text="The question and the answer are shown on the public page, "
                        "without the name or e-mail address.",
                        verbose_name="publish the answer",
                    ),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.TextField(null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")],
                        max_length=1,
                    ),
                ),
                (
                    "answered_by",
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
                    "author",
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
            ],
            options={
                "verbose_name": "historical feedback",
                "verbose_name_plural": "historical feedback",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
    ]
