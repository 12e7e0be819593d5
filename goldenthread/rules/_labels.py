"""A string enum whose members carry the words a council officer reads on screen."""

from enum import EnumType, StrEnum
from typing import Any, Self


class _QuickLookup(EnumType):
    """``Rag("red")`` straight from the value map. The rules turn stored strings into
    members thousands of times for one page (the council view makes some 20,000 such
    calls); the standard lookup takes ten times as long for the same answer. Anything
    else (an unknown value, the functional API) goes the standard way, with its errors."""

    def __call__(cls, value: Any, *args: Any, **kwargs: Any) -> Any:
        if not args and not kwargs:
            try:
                return cls._value2member_map_[value]
            except (KeyError, TypeError):  # not a value, or unhashable
                pass
        return super().__call__(value, *args, **kwargs)


class LabelledEnum(StrEnum, metaclass=_QuickLookup):
    """Members are declared as ``NAME = "value", "Label"``, like Django's ``TextChoices``.

    The rules layer cannot import Django, yet models want ``choices=Rag.choices()``; this gives
    both without the models repeating the labels.
    """

    _label: str

    def __new__(cls, value: str, label: str) -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member._label = label
        return member

    @property
    def label(self) -> str:
        return self._label

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(member.value, member.label) for member in cls]
