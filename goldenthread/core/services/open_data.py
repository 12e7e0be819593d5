"""The council's choice of licence for its open data (issue 15): the Open Government
Licence v3.0 unless the performance team chooses another."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, ProhibitNullCharactersValidator, URLValidator
from django.db import transaction
from django.http import HttpRequest

from goldenthread.core.access import require_performance_team
from goldenthread.core.models import OpenDataLicence, SecurityEvent, User
from goldenthread.core.models.fields import check_bounds
from goldenthread.core.security import record

URL_CHECKS = (
    ProhibitNullCharactersValidator(),
    MaxLengthValidator(
        OpenDataLicence._meta.get_field("url").max_length,
        message="Enter a web address of at most %(limit_value)d characters",
    ),
    URLValidator(
        schemes=["https", "http"], message="Enter the licence's web address, starting https://"
    ),
)


@transaction.atomic
def set_open_data_licence(
    *,
    by: User,
    name: str,
    url: str,
    attribution: str = "",
    request: HttpRequest | None = None,
) -> OpenDataLicence:
    """Publish the open data under the licence `name` at `url`, credited as `attribution`.
    Only the performance team does this. Kept in the security record, as the sign-in
    policy is; unchanged, nothing is written."""
    require_performance_team(by, refusal="Only the council performance team chooses the licence.")
    name, url, attribution = name.strip(), url.strip(), attribution.strip()
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "Enter the licence's name"
    if not url:
        errors["url"] = "Enter the licence's web address"
    else:
        for check in URL_CHECKS:
            try:
                check(url)
            except ValidationError as error:
                errors["url"] = error.messages[0]
                break
    try:  # before anything touches the database: text it cannot keep is refused here
        check_bounds(OpenDataLicence(name=name, url=url, attribution=attribution))
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, messages[0])
    if errors:
        raise ValidationError(errors)
    licence = OpenDataLicence.objects.select_for_update().get(pk=OpenDataLicence.current().pk)
    if (licence.name, licence.url, licence.attribution) == (name, url, attribution):
        return licence
    licence.name, licence.url, licence.attribution = name, url, attribution
    licence.updated_by = by
    licence.save()
    record(
        SecurityEvent.Kind.LICENCE_CHANGED,
        request=request,
        actor=by,
        subject=None,
        detail=f"open data licence: {name} ({url})",
    )
    return licence
