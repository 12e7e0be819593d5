"""The published annual reports' PDF and Word files move from the database (bytes in a
column) to Django's storage (a folder or an object store), so several app servers share
them and a worker can write them."""

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import migrations


def _name(report, ext: str) -> str:
    return f"annual-reports/{report.partnership_id}/{report.year}/edition-{report.edition}.{ext}"


def to_storage(apps, schema_editor):
    AnnualReport = apps.get_model("core", "AnnualReport")
    for report in AnnualReport.objects.exclude(pdf=None).iterator():
        for ext, data, field in (
            ("pdf", report.pdf, "pdf_file"),
            ("docx", report.docx, "docx_file"),
        ):
            if not data:
                continue
            name = _name(report, ext)
            if default_storage.exists(name):
                default_storage.delete(name)
            setattr(report, field, default_storage.save(name, ContentFile(bytes(data))))
        report.save(update_fields=["pdf_file", "docx_file"])


def to_database(apps, schema_editor):
    AnnualReport = apps.get_model("core", "AnnualReport")
    for report in AnnualReport.objects.exclude(pdf_file="").iterator():
        for field, target in (("pdf_file", "pdf"), ("docx_file", "docx")):
            name = getattr(report, field).name
            if name:
                with default_storage.open(name, "rb") as f:
                    setattr(report, target, f.read())
        report.save(update_fields=["pdf", "docx"])


class Migration(migrations.Migration):
    dependencies = [("core", "0014_background_jobs")]

    operations = [
        migrations.RunPython(to_storage, to_database),
        migrations.RemoveField(model_name="annualreport", name="pdf"),
        migrations.RemoveField(model_name="annualreport", name="docx"),
        migrations.RenameField(model_name="annualreport", old_name="pdf_file", new_name="pdf"),
        migrations.RenameField(model_name="annualreport", old_name="docx_file", new_name="docx"),
    ]
