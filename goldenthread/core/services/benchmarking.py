"""Writes for benchmarking: other areas' published values of our indicators, comparator
groups, an indicator's usual group, and the remembered mapping of published indicators to
ours. Who may do each is decided in goldenthread.core.access (`may_import_*`) and checked
here first.

Comparator values, groups, areas and mappings are published reference data, not the
partnership's own record, so they carry no history table: each value records who imported
it and when (``imported_by``, ``imported_at``). Setting an indicator's group changes the
indicator, which is audited as usual.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from goldenthread.core.access import may_import_comparators, may_import_groups, may_import_into
from goldenthread.core.models import (
    Area,
    ComparatorGroup,
    ComparatorLayout,
    ComparatorMapping,
    ComparatorValue,
    Indicator,
    User,
)
from goldenthread.rules import Period

from . import save_audited

BATCH = 500


@dataclass(frozen=True)
class ComparatorInput:
    """One published value for one of our indicators. ``area_name`` may be blank."""

    indicator: Indicator
    area_code: str
    area_name: str
    period: Period
    value: Decimal


@dataclass(frozen=True)
class ImportCounts:
    created: int
    updated: int
    unchanged: int
    areas_added: int

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


@transaction.atomic
def import_comparator_values(
    *,
    values: Sequence[ComparatorInput],
    by: User,
    source: str = "",
    mappings: Mapping[tuple[str, str], Indicator | None] | None = None,
    headings: Sequence[str] = (),
    layout: Mapping[str, object] | None = None,
) -> ImportCounts:
    """Write the values all or nothing: a value already held for the same indicator, area
    and period is updated when it differs and left alone when not, so importing the same
    file twice adds nothing. Areas not seen before are added. ``mappings`` (published
    indicator and measure → ours, or None for "don't import") are remembered for the next
    file (see ``_remember``), and so is the file's ``layout`` (its columns and breakdown rows
    as chosen, a ComparatorLayout) for files with the same ``headings``. A constant number
    of queries, whatever the number of values, plus two for each mapping."""
    if not may_import_comparators(by):
        raise PermissionDenied(
            "Only the council performance team and partnership leads import comparator data."
        )
    indicators = {v.indicator.pk: v.indicator for v in values}
    for mapped in (mappings or {}).values():
        if mapped is not None:
            indicators[mapped.pk] = mapped
    for indicator in indicators.values():
        if not may_import_into(by, indicator):
            raise PermissionDenied(
                f"Only the council performance team or the partnership's leads can import "
                f"figures for {indicator.code}."
            )
    _check_no_conflicts(values)

    areas, areas_added = _areas(values)
    existing = {
        (row.indicator_id, row.area_id, row.period): row
        for row in ComparatorValue.objects.filter(
            indicator_id__in=list(indicators), area_id__in=[a.pk for a in areas.values()]
        )
    }
    now = timezone.now()
    new, changed, unchanged = [], [], 0
    seen = set()
    for value in values:
        area = areas[value.area_code]
        key = (value.indicator.pk, area.pk, value.period)
        if key in seen:
            unchanged += 1  # the same value twice in one file: written once
            continue
        seen.add(key)
        row = existing.get(key)
        if row is None:
            new.append(
                ComparatorValue(
                    indicator=value.indicator,
                    area=area,
                    period=value.period,
                    value=value.value,
                    source=source[:300],
                    imported_by=by,
                    imported_at=now,
                )
            )
        elif row.value != value.value:
            row.value, row.source, row.imported_by, row.imported_at = (
                value.value,
                source[:300],
                by,
                now,
            )
            changed.append(row)
        else:
            unchanged += 1
    ComparatorValue.objects.bulk_create(new, batch_size=BATCH)
    ComparatorValue.objects.bulk_update(
        changed, ["value", "source", "imported_by", "imported_at"], batch_size=BATCH
    )
    if mappings:
        _remember(mappings)
    if headings and layout is not None:
        ComparatorLayout.objects.update_or_create(
            headings_key=ComparatorLayout.key_of(list(headings)),
            defaults={"headings": [str(h)[:200] for h in headings], "mapping": dict(layout)},
        )
    return ImportCounts(len(new), len(changed), unchanged, areas_added)


def _check_no_conflicts(values: Sequence[ComparatorInput]) -> None:
    """The importer reports these row by row; this keeps anyone else from writing two
    different figures for one place and period, or a figure for the wrong kind of period."""
    seen: dict[tuple[int, str, Period], Decimal] = {}
    for value in values:
        value.indicator.check_period(value.period)  # a quarter's figure for a quarterly one
        key = (value.indicator.pk, value.area_code, value.period)
        if key in seen and seen[key] != value.value:
            raise ValidationError(
                f"Two different values for {value.area_code} in {value.period.label} for "
                f"{value.indicator.code}: {seen[key]} and {value.value}."
            )
        seen[key] = value.value


def _areas(values: Sequence[ComparatorInput]) -> tuple[dict[str, Area], int]:
    """Every area named in the values, added when new. A new area without a name is named
    by its code; a name is only filled in later, never changed, since publishers spell the
    same place differently ("Bristol" and "Bristol, City of")."""
    names: dict[str, str] = {}
    for value in values:
        if value.area_name or value.area_code not in names:
            names[value.area_code] = value.area_name.strip()[:200]
    return _ensure_areas(names)


def _ensure_areas(names: Mapping[str, str]) -> tuple[dict[str, Area], int]:
    found = {a.code: a for a in Area.objects.filter(code__in=list(names))}
    missing = [
        Area(code=code, name=name or code) for code, name in names.items() if code not in found
    ]
    Area.objects.bulk_create(missing, batch_size=BATCH)
    unnamed = [a for a in found.values() if a.name == a.code and names.get(a.code)]
    for area in unnamed:
        area.name = names[area.code]
    Area.objects.bulk_update(unnamed, ["name"], batch_size=BATCH)
    if missing:
        found = {a.code: a for a in Area.objects.filter(code__in=list(names))}
    return found, len(missing)


def _remember(mappings: Mapping[tuple[str, str], Indicator | None]) -> None:
    """Remember, for each published (indicator, measure), the indicator chosen; it replaces
    any other indicator of the same partnership it went to before. Other partnerships'
    mappings of the same published indicator stay: a figure can serve several partnerships.
    "Don't import" is not remembered, so it never forgets another partnership's choice."""
    for (name, measure), chosen in mappings.items():
        if chosen is None:
            continue
        name, measure = name[:400], measure[:200]
        ComparatorMapping.objects.filter(
            source_indicator=name,
            source_measure=measure,
            indicator__partnership_id=chosen.partnership_id,
        ).exclude(indicator=chosen).delete()
        ComparatorMapping.objects.get_or_create(
            source_indicator=name, source_measure=measure, indicator=chosen
        )


@transaction.atomic
def import_comparator_group(
    *,
    name: str,
    areas: Sequence[tuple[str, str]],
    by: User,
    description: str = "",
) -> tuple[ComparatorGroup, bool]:
    """Make the group with these (code, name) areas, or, when a group of that name exists,
    replace its list of areas. Returns the group and whether it is new."""
    if not may_import_groups(by):
        raise PermissionDenied(
            "Only the council performance team imports comparator groups: every "
            "partnership shares them."
        )
    name = name.strip()
    if not name:
        raise ValidationError("Enter a name for the comparator group.")
    if not areas:
        raise ValidationError("A comparator group needs at least one area.")
    found, _ = _ensure_areas({code: area_name.strip()[:200] for code, area_name in areas})
    group, created = ComparatorGroup.objects.get_or_create(
        name=name, defaults={"description": description}
    )
    if description and group.description != description:
        group.description = description
        group.save(update_fields=["description"])
    wanted = {found[code].pk for code, _ in areas}
    if created or set(group.areas.values_list("pk", flat=True)) != wanted:
        group.areas.set(wanted)
    return group, created


@transaction.atomic
def set_comparator_group(
    *, indicator: Indicator, group: ComparatorGroup | None, by: User
) -> Indicator:
    """The group the indicator is usually compared with (its benchmark page's default)."""
    if not may_import_into(by, indicator):
        raise PermissionDenied(
            "Only the council performance team or the partnership's leads can choose the "
            "comparator group."
        )
    if indicator.comparator_group_id == (group.pk if group else None):
        return indicator
    indicator.comparator_group = group
    reason = f"Compared with {group.name}" if group else "No usual comparator group"
    return save_audited(indicator, by=by, reason=reason, update_fields=["comparator_group"])
