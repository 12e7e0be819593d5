"""The `demo` fixture puts back a copy of the demo rather than loading it for each test
(tests/browser/snapshot.py): the copy must be exact, whatever the test before did."""

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection

from goldenthread.core.models import Partnership, User
from goldenthread.demo.catalogue import PEOPLE


def _database() -> dict[str, list[str]]:
    """Every table's rows, and where every sequence stands."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor, include_views=False)
        found = {}
        for table in tables:
            cursor.execute(f"SELECT * FROM {quote(table)}")
            found[table] = sorted(repr(row) for row in cursor.fetchall())
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT sequencename, last_value FROM pg_sequences"
                " WHERE schemaname = current_schema()"
            )
        else:
            cursor.execute("SELECT name, seq FROM sqlite_sequence")
        found["(sequences)"] = sorted(repr(row) for row in cursor.fetchall())
    return found


def test_the_demo_is_put_back_exactly(demo, demo_snapshot):
    fresh = _database()
    assert Partnership.objects.exists()
    demo_people = User.objects.filter(username__in=[p.username for p in PEOPLE])
    assert demo_people.count() == len(PEOPLE)

    # What a test and the flush after it leave: rows changed, added and gone, content types
    # and permissions made again with new ids, something in the cache.
    Partnership.objects.filter(pk=Partnership.objects.first().pk).update(name="Changed")
    User.objects.create(username="stray")
    cache.set("left-behind", 1)
    call_command("flush", interactive=False, verbosity=0)
    User.objects.create(username="stray-after-flush")
    assert _database() != fresh

    demo_snapshot.fresh_demo()

    assert _database() == fresh
    assert cache.get("left-behind") is None
    # New rows take ids after the demo's (the sequences were compared above), and the
    # content type cache agrees with the rows put back.
    User.objects.create(username="stray-after-restore")
    assert ContentType.objects.get_for_model(Partnership).pk == (
        ContentType.objects.filter(app_label="core", model="partnership").get().pk
    )
