"""The domain model, a module per area. Import models from here."""

from .annual import AnnualReport, AnnualUpdateForm
from .api import ApiToken, OpenDataLicence, TokenScope
from .indicators import Indicator, ProcessChange, Result, Target
from .jobs import Job, JobKind
from .monitoring import (
    ActionUpdate,
    Budget,
    CorrectiveAction,
    CorrectiveActionUpdate,
    ReminderSent,
    ReportingRound,
    Return,
    RiskReview,
    Spend,
    default_deadline,
)
from .notifications import Notification, NotificationKind, NotificationPreference
from .people import Membership, Organisation, Partnership, Role, User
from .plans import Action, Milestone, Objective, Plan, PlanTarget, Risk, SmartWaiver
from .review import (
    Area,
    Attendee,
    Comment,
    ComparatorGroup,
    ComparatorMapping,
    ComparatorValue,
    Feedback,
    ImprovementPlan,
    Lesson,
    ReviewMeeting,
    SuccessStory,
)
from .security import (
    IdentityProvider,
    Invitation,
    SecurityEvent,
    SecurityPolicy,
    SignInDomain,
)
from .strategy import Outcome, StrategicPlan

__all__ = [
    "Action",
    "ActionUpdate",
    "AnnualReport",
    "AnnualUpdateForm",
    "ApiToken",
    "Area",
    "Attendee",
    "Budget",
    "Comment",
    "ComparatorGroup",
    "ComparatorMapping",
    "ComparatorValue",
    "CorrectiveAction",
    "CorrectiveActionUpdate",
    "Feedback",
    "IdentityProvider",
    "ImprovementPlan",
    "Indicator",
    "Invitation",
    "Job",
    "JobKind",
    "Lesson",
    "Membership",
    "Milestone",
    "Notification",
    "NotificationKind",
    "NotificationPreference",
    "Objective",
    "OpenDataLicence",
    "Organisation",
    "Outcome",
    "Partnership",
    "Plan",
    "PlanTarget",
    "ProcessChange",
    "ReminderSent",
    "ReportingRound",
    "Result",
    "Return",
    "ReviewMeeting",
    "Risk",
    "RiskReview",
    "Role",
    "SecurityEvent",
    "SecurityPolicy",
    "SignInDomain",
    "SmartWaiver",
    "Spend",
    "StrategicPlan",
    "SuccessStory",
    "Target",
    "TokenScope",
    "User",
    "default_deadline",
]
