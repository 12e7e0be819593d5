"""A string enum whose members carry the words a council officer reads on screen."""

from enum import StrEnum
from typing import Self


class LabelledEnum(StrEnum):
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
