"""The domain model, a module per area. Import models from here."""

from .indicators import Indicator, Result, Target
from .people import Membership, Organisation, Partnership, Role, User
from .plans import Action, Objective, Plan, Risk
from .strategy import Outcome, StrategicPlan

__all__ = [
    "Action",
    "Indicator",
    "Membership",
    "Objective",
    "Organisation",
    "Outcome",
    "Partnership",
    "Plan",
    "Result",
    "Risk",
    "Role",
    "StrategicPlan",
    "Target",
    "User",
]
