from collections.abc import Callable


def minimum_role(role: str) -> Callable:
    """Records the least privileged role that may open a page: "viewer" (the default
    when a view has none), "member", "owner" (a member who owns the object), "lead",
    "performance" (the council performance team), "lead_or_performance",
    "owner_or_performance" (the owner, a lead, or the performance team), or
    "member_or_performance" (leads, members and the performance team). The real
    check is the access helper inside the view; tests/web/test_access.py reads this and
    proves that roles below it are refused and the role itself is let in."""

    def mark(view: Callable) -> Callable:
        view.minimum_role = role
        return view

    return mark
