"""The domain model, a module per area. Import models from here."""

from .indicators import Indicator, Result, Target
from .people import Membership, Organisation, Partnership, Role, User
from .plans import Action, Milestone, Objective, Plan, PlanTarget, Risk, SmartWaiver
from .strategy import Outcome, StrategicPlan

__all__ = [
    "Action",
    "Indicator",
    "Membership",
    "Milestone",
    "Objective",
    "Organisation",
    "Outcome",
    "Partnership",
    "Plan",
    "PlanTarget",
    "Result",
    "Risk",
    "Role",
    "SmartWaiver",
    "StrategicPlan",
    "Target",
    "User",
]
