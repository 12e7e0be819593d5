"""What deleting may not take with it. Signed-off returns, published annual reports and
submitted update forms are the partnership's record of meeting its minimum requirements:
deleting the partnership (or a quarter) is refused while it has any, and the partnership
is closed instead, which keeps it read only and listed."""

from django.db.models import CASCADE, ProtectedError


def keep_the_record(collector, field, sub_objs, using) -> None:
    """An on_delete rule: CASCADE to related objects, unless one of them is part of the
    record (its model's `is_kept_record` says so), in which case refuse the whole delete,
    as PROTECT would, naming what is kept."""
    kept = [obj for obj in sub_objs if obj.is_kept_record]
    if kept:
        # Django gathers these into one refusal naming every kept object (the admin lists
        # them, and says to close the partnership instead).
        raise ProtectedError("Part of the partnership's record: kept.", kept)
    CASCADE(collector, field, sub_objs, using)
