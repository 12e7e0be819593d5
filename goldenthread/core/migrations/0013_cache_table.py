"""The database cache's table (settings.CACHES), made by migrate so that no deployment
step can forget it. Harmless when the cache is Redis: createcachetable then does nothing."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor) -> None:
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("core", "0012_process_changes")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
