"""The quick member lookup behind every rules enum answers exactly as the standard one."""

import pytest

from goldenthread.rules import ActionState, Polarity, Rag


@pytest.mark.parametrize("enum", [Rag, Polarity, ActionState])
def test_each_value_and_member_gives_the_same_member(enum) -> None:
    for member in enum:
        assert enum(member.value) is member
        assert enum(member) is member


@pytest.mark.parametrize("wrong", ["Red", "", "purple", None, 1, ["red"]])
def test_anything_else_is_refused_with_the_standard_error(wrong) -> None:
    with pytest.raises(ValueError, match="is not a valid Rag"):
        Rag(wrong)


def test_labels_and_choices_are_unchanged() -> None:
    assert Rag("amber").label == "Amber"
    assert Rag.choices()[0] == ("red", "Red")
