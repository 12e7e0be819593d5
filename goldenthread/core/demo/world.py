"""The illustrative part of the demo: organisations, people, strategic plans, partnerships,
their plans, objectives, actions and risks. All made up. The public bodies named are real,
but nothing here says anything about what they do: every person, plan, action and risk is
invented. The voluntary-sector body, housing association, college, business board and
residents' forum are fictional.

Action and review dates are offsets in days from the day of loading, so overdue actions stay
overdue and future ones stay in the future whenever the demo is loaded.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from goldenthread.rules import ActionState

PASSWORD = "demo-password-1"
PLAN_FIRST_YEAR = 2024
PLAN_LAST_YEAR = 2026
PLAN_APPROVED_ON = datetime.date(2024, 5, 15)


@dataclass(frozen=True)
class Org:
    key: str
    name: str
    kind: str


ORGANISATIONS = [
    Org("council", "Trafford Council", "council"),
    Org("gmp", "Greater Manchester Police", "police"),
    Org("nhs", "NHS Greater Manchester", "nhs"),
    Org("gmfrs", "Greater Manchester Fire and Rescue Service", "fire"),
    Org("vcs", "Trafford Voluntary Action Network", "voluntary"),
    Org("housing", "Irwell and Mersey Homes", "housing"),
    Org("college", "Trafford Community College", "education"),
    Org("business", "Trafford Business Board", "business"),
    Org("residents", "Trafford Residents' Forum", "voluntary"),
]


@dataclass(frozen=True)
class Person:
    username: str
    first_name: str
    last_name: str
    org: str
    job_title: str
    is_performance_team: bool = False


PEOPLE = [
    Person("performance", "Priya", "Shah", "council", "Performance and Intelligence Manager", True),
    Person("lead", "Sarah", "Bennett", "council", "Head of Community Safety"),
    Person("member", "Daniel", "Hughes", "housing", "Neighbourhood Services Manager"),
    Person("viewer", "Margaret", "O'Connor", "residents", "Chair"),
    Person("outsider", "Tom", "Fletcher", "business", "Business Engagement Lead"),
    Person("rachel.thompson", "Rachel", "Thompson", "council", "Consultant in Public Health"),
    Person("james.morgan", "James", "Morgan", "council", "Head of Early Help and Prevention"),
    Person("emma.clarke", "Emma", "Clarke", "council", "Climate Change Programme Manager"),
    Person("david.nolan", "David", "Nolan", "council", "Head of Economic Growth"),
    Person("claire.robinson", "Claire", "Robinson", "gmp", "Chief Inspector"),
    Person("andrew.kerr", "Andrew", "Kerr", "gmfrs", "Station Manager, Prevention"),
    Person("imran.qureshi", "Imran", "Qureshi", "nhs", "Associate Director of Commissioning"),
    Person("helen.burke", "Helen", "Burke", "nhs", "Designated Nurse for Children Looked After"),
    Person("fiona.campbell", "Fiona", "Campbell", "vcs", "Chief Officer"),
    Person("nicola.patel", "Nicola", "Patel", "college", "Vice Principal, Curriculum"),
    Person("karen.ashworth", "Karen", "Ashworth", "council", "Head of Education Standards"),
    Person("stephen.wright", "Stephen", "Wright", "council", "Waste and Environment Manager"),
    Person("mohammed.iqbal", "Mohammed", "Iqbal", "council", "Employment and Skills Manager"),
    Person("liam.doyle", "Liam", "Doyle", "council", "Planning Service Manager"),
]

# The sign-ins printed after loading, one per role, in this order.
SIGN_INS = [
    ("performance", "council performance team: sees every partnership, can use the admin"),
    ("lead", "lead link officer of the Community Safety Partnership"),
    ("member", "member of the Community Safety Partnership and the Climate Emergency Partnership"),
    ("viewer", "viewer (a residents' group stakeholder) in the Health and Wellbeing Board only"),
    ("outsider", "member of another partnership only: sees nothing of the others"),
]
PERFORMANCE_GROUP = "Performance team"


@dataclass(frozen=True)
class OutcomeSpec:
    code: str
    title: str
    children: tuple[OutcomeSpec, ...] = ()


@dataclass(frozen=True)
class StrategicPlanSpec:
    title: str
    kind: str
    first_year: int
    last_year: int
    description: str
    outcomes: tuple[OutcomeSpec, ...]


def _theme(code: str, title: str, *outcomes: tuple[str, str]) -> OutcomeSpec:
    return OutcomeSpec(code, title, tuple(OutcomeSpec(c, t) for c, t in outcomes))


CORPORATE_PLAN = "Trafford Corporate Plan 2024 to 2029 (illustrative)"
COMMUNITY_STRATEGY = "Trafford Community Strategy 2021 to 2031 (illustrative)"

STRATEGIC_PLANS = [
    StrategicPlanSpec(
        CORPORATE_PLAN,
        "corporate_plan",
        2024,
        2028,
        "An illustrative corporate plan for the demo: five themes, each with the outcomes the "
        "council and its partners work towards. Not Trafford Council's actual plan.",
        (
            _theme(
                "T1",
                "Safe and strong communities",
                ("T1.1", "People feel safe where they live"),
                ("T1.2", "Fewer children and young people drawn into crime"),
                ("T1.3", "Neighbourhoods recover well from emergencies"),
            ),
            _theme(
                "T2",
                "Healthy lives",
                ("T2.1", "Children have a healthy start in life"),
                ("T2.2", "People of all ages are physically active"),
                ("T2.3", "The gap in health between richer and poorer areas narrows"),
            ),
            _theme(
                "T3",
                "Children and young people thrive",
                ("T3.1", "Children are ready for school"),
                ("T3.2", "Young people achieve well and move on to education, training or work"),
                ("T3.3", "Children in our care are healthy and supported"),
            ),
            _theme(
                "T4",
                "Addressing the climate crisis",
                ("T4.1", "Lower carbon emissions across the borough"),
                ("T4.2", "Cleaner air"),
                ("T4.3", "Less waste and more recycling"),
            ),
            _theme(
                "T5",
                "A thriving and inclusive economy",
                ("T5.1", "More residents in good, fairly paid work"),
                ("T5.2", "Businesses start, stay and grow here"),
                ("T5.3", "Homes that people can afford"),
            ),
        ),
    ),
    StrategicPlanSpec(
        COMMUNITY_STRATEGY,
        "community_strategy",
        2021,
        2030,
        "An illustrative community strategy shared by the borough's partners, for the demo.",
        (
            OutcomeSpec("C1", "Reduce poverty and its effects"),
            OutcomeSpec("C2", "Every child has a fair start in life"),
            OutcomeSpec("C3", "Communities that look after each other"),
        ),
    ),
]


@dataclass(frozen=True)
class ActionSpec:
    ref: str
    title: str
    owner: str | None
    org: str | None
    state: ActionState
    percent: int
    start: int  # days from today
    due: int | None  # days from today
    completed: int | None = None  # days from today
    closed_reason: str = ""
    description: str = ""


@dataclass(frozen=True)
class ObjectiveSpec:
    ref: str
    title: str
    description: str
    owner: str
    org: str
    deadline: datetime.date
    outcomes: tuple[str, ...]  # outcome codes, across both strategic plans
    indicators: tuple[str, ...]
    actions: tuple[ActionSpec, ...] = ()


@dataclass(frozen=True)
class RiskSpec:
    ref: str
    title: str
    cause: str
    consequence: str
    inherent: tuple[int, int]  # likelihood, impact
    residual: tuple[int, int]
    mitigation: str
    owner: str
    review: int  # days from today
    objective: str | None = None


@dataclass(frozen=True)
class PartnershipSpec:
    key: str
    name: str
    short_name: str
    purpose: str
    lead_org: str
    lead: str
    members: tuple[tuple[str, str, str], ...]  # username, role, organisation key
    plan_title: str
    vision: str
    key_issues: str
    objectives: tuple[ObjectiveSpec, ...]
    risks: tuple[RiskSpec, ...] = field(default=())


END_2026 = datetime.date(2026, 3, 31)
END_2027 = datetime.date(2027, 3, 31)
ON_TRACK, AT_RISK, OFF_TRACK = ActionState.ON_TRACK, ActionState.AT_RISK, ActionState.OFF_TRACK
NOT_STARTED, COMPLETED, CANCELLED = (
    ActionState.NOT_STARTED,
    ActionState.COMPLETED,
    ActionState.CANCELLED,
)

PARTNERSHIPS = [
    PartnershipSpec(
        key="CS",
        name="Community Safety Partnership",
        short_name="Community Safety",
        purpose=(
            "Brings together the council, police, fire and rescue service, health, housing and "
            "the voluntary sector to reduce crime and antisocial behaviour and to keep children "
            "and young people out of the criminal justice system."
        ),
        lead_org="council",
        lead="lead",
        members=(
            ("lead", "lead", "council"),
            ("member", "member", "housing"),
            ("claire.robinson", "member", "gmp"),
            ("andrew.kerr", "member", "gmfrs"),
            ("fiona.campbell", "member", "vcs"),
        ),
        plan_title="Community Safety Plan 2024 to 2027",
        vision="A borough where people are safe and feel safe, and where children stay out of "
        "the justice system.",
        key_issues=(
            "Fewer children are cautioned or sentenced than ten years ago, but the number has "
            "stopped falling.\nThe share of 16 and 17 year olds not in education, employment or "
            "training has risen each year since 2022.\nPartners hold data in separate systems, "
            "which slows joint work on neighbourhoods of concern."
        ),
        objectives=(
            ObjectiveSpec(
                "O1",
                "Keep children out of the youth justice system",
                "Early, joint responses to children at risk of offending.",
                "lead",
                "council",
                END_2027,
                ("T1.2",),
                ("CS01", "CS02"),
                (
                    ActionSpec(
                        "A1",
                        "Run a joint out-of-court decision panel in every locality",
                        "claire.robinson",
                        "gmp",
                        ON_TRACK,
                        60,
                        -240,
                        120,
                    ),
                    ActionSpec(
                        "A4",
                        "Commission a restorative justice service for victims of youth crime",
                        None,
                        "council",
                        NOT_STARTED,
                        0,
                        30,
                        270,
                        description="Owner to be agreed at the next partnership meeting.",
                    ),
                ),
            ),
            ObjectiveSpec(
                "O2",
                "Help young people at risk into education, training or work",
                "Outreach to 16 and 17 year olds who are NEET or whose activity is not known.",
                "fiona.campbell",
                "vcs",
                END_2027,
                ("T1.2", "T3.2"),
                ("CS03", "CS04"),
                (
                    ActionSpec(
                        "A2",
                        "Youth engagement courses at fire stations for young people who are NEET",
                        "andrew.kerr",
                        "gmfrs",
                        AT_RISK,
                        45,
                        -300,
                        -21,
                    ),
                ),
            ),
            ObjectiveSpec(
                "O3",
                "Tackle the causes of antisocial behaviour in priority neighbourhoods",
                "Joint problem solving with housing providers and residents.",
                "member",
                "housing",
                END_2026,
                ("T1.1", "C1"),
                ("CS05",),
                (
                    ActionSpec(
                        "A3",
                        "Map antisocial behaviour hotspots with housing and police data",
                        "member",
                        "housing",
                        COMPLETED,
                        100,
                        -200,
                        -40,
                        completed=-55,
                    ),
                ),
            ),
        ),
        risks=(
            RiskSpec(
                "R1",
                "Loss of youth diversion capacity",
                "Short-term funding for youth diversion work may not be renewed.",
                "Fewer children are diverted from formal justice outcomes.",
                (4, 4),
                (3, 3),
                "Bid for continuation funding; train partner staff to deliver diversion sessions.",
                "lead",
                45,
                "O1",
            ),
            RiskSpec(
                "R2",
                "Data sharing agreement not renewed",
                "The information sharing agreement between partners is due for renewal.",
                "Partners cannot share the data needed to target neighbourhoods.",
                (3, 4),
                (2, 3),
                "Legal teams reviewing a new agreement; interim sharing under the existing one.",
                "claire.robinson",
                -10,
                "O3",
            ),
        ),
    ),
    PartnershipSpec(
        key="HW",
        name="Health and Wellbeing Board",
        short_name="Health and Wellbeing",
        purpose=(
            "Leads joint work by the council, the NHS and the voluntary sector to improve health "
            "and wellbeing and reduce health inequalities, starting with children's health."
        ),
        lead_org="council",
        lead="rachel.thompson",
        members=(
            ("rachel.thompson", "lead", "council"),
            ("imran.qureshi", "member", "nhs"),
            ("helen.burke", "member", "nhs"),
            ("fiona.campbell", "member", "vcs"),
            ("viewer", "viewer", "residents"),
        ),
        plan_title="Health and Wellbeing Strategy Action Plan 2024 to 2027",
        vision="Every child has a healthy start, and the gap in health between our richest and "
        "poorest neighbourhoods narrows.",
        key_issues=(
            "Uptake of the first MMR dose at two years fell from 96.5% in 2017/18 to 90.6% in "
            "2024/25.\n"
            "About one child in six is obese by Year 6, with no improvement over ten years.\n"
            "Fewer than half of children and young people report at least 420 minutes of "
            "activity a week."
        ),
        objectives=(
            ObjectiveSpec(
                "O1",
                "Help every child to a healthy weight and healthy teeth",
                "Healthy eating, oral health and weight management for families.",
                "rachel.thompson",
                "council",
                END_2027,
                ("T2.1",),
                ("HW01", "HW02", "HW03"),
                (
                    ActionSpec(
                        "A1",
                        "Supervised toothbrushing in early years settings",
                        "imran.qureshi",
                        "nhs",
                        ON_TRACK,
                        50,
                        -180,
                        180,
                    ),
                ),
            ),
            ObjectiveSpec(
                "O2",
                "Protect children from preventable disease",
                "Raise childhood immunisation uptake to the national standard.",
                "imran.qureshi",
                "nhs",
                END_2027,
                ("T2.1", "T2.3"),
                ("HW04", "HW05"),
                (
                    ActionSpec(
                        "A2",
                        "Catch-up MMR clinics in the areas of lowest uptake",
                        "imran.qureshi",
                        "nhs",
                        OFF_TRACK,
                        30,
                        -270,
                        -45,
                    ),
                ),
            ),
            ObjectiveSpec(
                "O3",
                "Help children and young people to be active every day",
                "",
                "fiona.campbell",
                "vcs",
                END_2026,
                ("T2.2",),
                ("HW06",),
                (
                    ActionSpec(
                        "A3",
                        "Holiday activities and food programme in every ward",
                        "fiona.campbell",
                        "vcs",
                        COMPLETED,
                        100,
                        -330,
                        -90,
                        completed=-95,
                    ),
                ),
            ),
            ObjectiveSpec(
                "O4",
                "Reduce the health harms of poverty",
                "",
                "rachel.thompson",
                "council",
                END_2027,
                ("T2.3", "C1"),
                ("HW07", "HW08"),
                (
                    ActionSpec(
                        "A4",
                        "Warm homes advice offered through GP practices",
                        "rachel.thompson",
                        "council",
                        CANCELLED,
                        20,
                        -300,
                        60,
                        closed_reason=(
                            "Stopped by the board: the housing association's retrofit pilot "
                            "(Climate Emergency Partnership, action A2) now gives energy advice "
                            "to the same households."
                        ),
                    ),
                ),
            ),
        ),
        risks=(
            RiskSpec(
                "R1",
                "Measles outbreak in a low-uptake area",
                "First-dose MMR uptake is below the level needed to stop measles spreading.",
                "Serious illness among young children and disruption to schools.",
                (3, 5),
                (3, 4),
                "Catch-up clinics; outbreak plan agreed with the health protection team.",
                "imran.qureshi",
                30,
                "O2",
            ),
            RiskSpec(
                "R2",
                "Partners' capacity to deliver the action plan",
                "Budget pressures across the council and the NHS.",
                "Actions slip and the board's priorities are not delivered.",
                (4, 3),
                (3, 3),
                "Quarterly review of the action plan; priorities agreed each year.",
                "rachel.thompson",
                75,
            ),
        ),
    ),
    PartnershipSpec(
        key="CY",
        name="Children and Young People's Partnership",
        short_name="Children and Young People",
        purpose=(
            "Partners in education, health, early help and the voluntary sector working "
            "together so that children are ready for school, achieve well and are safe."
        ),
        lead_org="council",
        lead="james.morgan",
        members=(
            ("james.morgan", "lead", "council"),
            ("karen.ashworth", "member", "council"),
            ("helen.burke", "member", "nhs"),
            ("nicola.patel", "member", "college"),
            ("claire.robinson", "member", "gmp"),
        ),
        plan_title="Children and Young People's Plan 2024 to 2027",
        vision="Children in Trafford are ready for school, ready for work and ready for life.",
        key_issues=(
            "Children on free school meals are far less likely to reach a good level of "
            "development by the end of Reception.\nKey stage 2 results have not returned to "
            "their 2018/19 level.\nDental checks for children in care fell sharply in 2020/21."
        ),
        objectives=(
            ObjectiveSpec(
                "O1",
                "Every child ready for school",
                "",
                "james.morgan",
                "council",
                END_2027,
                ("T3.1", "C2"),
                ("CY01", "CY02"),
                (
                    ActionSpec(
                        "A1",
                        "Early language programme in every family hub",
                        "james.morgan",
                        "council",
                        ON_TRACK,
                        40,
                        -150,
                        210,
                    ),
                ),
            ),
            ObjectiveSpec(
                "O2",
                "Raise attainment and close the gaps",
                "",
                "karen.ashworth",
                "council",
                END_2027,
                ("T3.2",),
                ("CY03", "CY04", "CY05"),
                (
                    ActionSpec(
                        "A2",
                        "Attendance support for pupils persistently absent from secondary school",
                        "karen.ashworth",
                        "council",
                        AT_RISK,
                        35,
                        -210,
                        90,
                    ),
                    ActionSpec(
                        "A5",
                        "Careers and courses fair for Year 11 pupils",
                        "nicola.patel",
                        "college",
                        NOT_STARTED,
                        0,
                        60,
                        None,
                        description="Date to be set with schools.",
                    ),
                ),
            ),
            ObjectiveSpec(
                "O3",
                "Children in our care are healthy",
                "",
                "helen.burke",
                "nhs",
                END_2026,
                ("T3.3",),
                ("CY06", "CY07"),
                (
                    ActionSpec(
                        "A3",
                        "Track health assessments and dental checks monthly",
                        "helen.burke",
                        "nhs",
                        COMPLETED,
                        100,
                        -400,
                        -120,
                        completed=-130,
                    ),
                    ActionSpec(
                        "A4",
                        "Agree a dental access route for children in care",
                        "helen.burke",
                        "nhs",
                        OFF_TRACK,
                        25,
                        -240,
                        30,
                    ),
                ),
            ),
            ObjectiveSpec(
                "O4",
                "Fewer children growing up in poverty",
                "",
                "james.morgan",
                "council",
                END_2027,
                ("C1",),
                ("CY08",),
            ),
        ),
        risks=(
            RiskSpec(
                "R1",
                "Health visitor vacancies",
                "Difficulty recruiting health visitors.",
                "Fewer development reviews, so needs are found later.",
                (4, 3),
                (3, 3),
                "Joint recruitment campaign; skill-mix teams.",
                "helen.burke",
                60,
                "O1",
            ),
            RiskSpec(
                "R2",
                "Rising school absence",
                "Persistent absence from school.",
                "Lower attainment, especially for disadvantaged pupils.",
                (4, 4),
                (3, 4),
                "Attendance support (action A2); work with families through early help.",
                "karen.ashworth",
                20,
                "O2",
            ),
        ),
    ),
    PartnershipSpec(
        key="CL",
        name="Climate Emergency Partnership",
        short_name="Climate Emergency",
        purpose=(
            "Partners from the public, housing, voluntary and business sectors working to cut "
            "the borough's carbon emissions, clean the air and reduce waste."
        ),
        lead_org="council",
        lead="emma.clarke",
        members=(
            ("emma.clarke", "lead", "council"),
            ("member", "member", "housing"),
            ("stephen.wright", "member", "council"),
            ("andrew.kerr", "member", "gmfrs"),
            ("imran.qureshi", "member", "nhs"),
        ),
        plan_title="Climate Emergency Action Plan 2024 to 2027",
        vision="A borough on course for net zero, with clean air and little waste.",
        key_issues=(
            "Borough-wide CO2 emissions have fallen by more than a third since 2012, but road "
            "traffic is back above its pre-pandemic level.\nThe recycling rate has not improved "
            "in ten years.\nNO2 at the A56 monitor is roughly twice the level at the other two "
            "monitors."
        ),
        objectives=(
            ObjectiveSpec(
                "O1",
                "Cut carbon emissions across the borough",
                "",
                "emma.clarke",
                "council",
                END_2027,
                ("T4.1",),
                ("CL01", "CL02", "CL05"),
                (
                    ActionSpec(
                        "A2",
                        "Retrofit pilot for 200 social homes",
                        "member",
                        "housing",
                        AT_RISK,
                        30,
                        -360,
                        120,
                    ),
                ),
            ),
            ObjectiveSpec(
                "O2",
                "Cleaner air on our busiest roads",
                "",
                "stephen.wright",
                "council",
                END_2027,
                ("T4.2",),
                ("CL08", "CL09", "CL10", "CL11", "CL12"),
                (
                    ActionSpec(
                        "A3",
                        "Anti-idling campaign at schools near main roads",
                        "stephen.wright",
                        "council",
                        ON_TRACK,
                        70,
                        -120,
                        60,
                    ),
                ),
            ),
            ObjectiveSpec(
                "O3",
                "Make it easy to switch to low-emission vehicles",
                "",
                "emma.clarke",
                "council",
                END_2027,
                ("T4.1", "T4.2"),
                ("CL06", "CL07"),
                (
                    ActionSpec(
                        "A1",
                        "On-street chargers in residential streets without driveways",
                        "emma.clarke",
                        "council",
                        ON_TRACK,
                        55,
                        -300,
                        150,
                    ),
                ),
            ),
            ObjectiveSpec(
                "O4",
                "Less waste, more recycling",
                "",
                "stephen.wright",
                "council",
                END_2027,
                ("T4.3",),
                ("CL03", "CL04", "CL13"),
                (
                    ActionSpec(
                        "A4",
                        "Recycling bins and signage in blocks of flats",
                        "member",
                        "housing",
                        COMPLETED,
                        100,
                        -250,
                        -30,
                        completed=-35,
                    ),
                ),
            ),
        ),
        risks=(
            RiskSpec(
                "R1",
                "Grid connection delays",
                "Long waits for electricity network connections.",
                "Charger roll-out falls behind plan.",
                (4, 3),
                (3, 3),
                "Early engagement with the network operator; sites chosen near existing capacity.",
                "emma.clarke",
                40,
                "O3",
            ),
            RiskSpec(
                "R2",
                "Retrofit funding not secured",
                "External funding rounds are competitive and short.",
                "The retrofit pilot is cut back.",
                (3, 4),
                (3, 3),
                "Bids prepared in advance; match funding agreed by partners.",
                "member",
                25,
                "O1",
            ),
            RiskSpec(
                "R3",
                "Air quality monitor outage",
                "Ageing monitoring equipment.",
                "Gaps in the air quality record.",
                (2, 3),
                (1, 3),
                "Maintenance contract; data checks each quarter.",
                "stephen.wright",
                90,
                "O2",
            ),
        ),
    ),
    PartnershipSpec(
        key="EG",
        name="Economic Growth Partnership",
        short_name="Economic Growth",
        purpose=(
            "Employers, the college and the council working together for good jobs, thriving "
            "businesses and the skills residents need."
        ),
        lead_org="business",
        lead="david.nolan",
        members=(
            ("david.nolan", "lead", "council"),
            ("outsider", "member", "business"),
            ("nicola.patel", "member", "college"),
            ("mohammed.iqbal", "member", "council"),
            ("liam.doyle", "member", "council"),
        ),
        plan_title="Economic Growth Plan 2024 to 2027",
        vision="A productive, inclusive economy where residents share in growth.",
        key_issues=(
            "Employment has risen since 2022, but the number of people on Universal Credit "
            "has also grown.\nHouses cost around ten times workplace earnings.\nBusiness "
            "births outnumbered business deaths in 2024 and 2025, but not in 2023."
        ),
        objectives=(
            ObjectiveSpec(
                "O1",
                "More residents in good work",
                "",
                "mohammed.iqbal",
                "council",
                END_2027,
                ("T5.1",),
                ("EG01", "EG02", "EG03", "EG04"),
                (
                    ActionSpec(
                        "A1",
                        "Jobs and skills fair with local employers",
                        "nicola.patel",
                        "college",
                        COMPLETED,
                        100,
                        -180,
                        -60,
                        completed=-62,
                    ),
                ),
            ),
            ObjectiveSpec(
                "O2",
                "Grow productive businesses",
                "",
                "david.nolan",
                "council",
                END_2027,
                ("T5.2",),
                ("EG05", "EG06", "EG07", "EG08", "EG09"),
                (
                    ActionSpec(
                        "A2",
                        "Start-up support programme for new businesses",
                        "outsider",
                        "business",
                        ON_TRACK,
                        50,
                        -200,
                        160,
                    ),
                ),
            ),
            ObjectiveSpec(
                "O3",
                "Fair pay and skills for work",
                "",
                "outsider",
                "business",
                END_2027,
                ("T5.1", "C1"),
                ("EG12", "EG13"),
                (
                    ActionSpec(
                        "A3",
                        "Real Living Wage accreditation campaign for local employers",
                        "outsider",
                        "business",
                        AT_RISK,
                        40,
                        -150,
                        100,
                    ),
                ),
            ),
            # Deliberately linked to no strategic outcome: a break in the golden thread.
            ObjectiveSpec(
                "O4",
                "A faster planning service and more homes people can afford",
                "",
                "liam.doyle",
                "council",
                END_2027,
                (),
                ("EG10", "EG11", "EG14", "EG15"),
                (
                    ActionSpec(
                        "A4",
                        "Clear the backlog of planning applications awaiting validation",
                        "liam.doyle",
                        "council",
                        OFF_TRACK,
                        60,
                        -220,
                        20,
                    ),
                ),
            ),
        ),
        risks=(
            RiskSpec(
                "R1",
                "Fall in employer demand",
                "An economic downturn.",
                "Fewer vacancies for residents moving into work.",
                (3, 4),
                (3, 3),
                "Sector-based work academies with employers that are still recruiting.",
                "mohammed.iqbal",
                50,
                "O1",
            ),
            RiskSpec(
                "R2",
                "Planning officer vacancies",
                "Difficulty recruiting experienced planning officers.",
                "Decisions slow down and the service misses its targets.",
                (4, 3),
                (3, 2),
                "Agency cover; graduate planner scheme.",
                "liam.doyle",
                35,
                "O4",
            ),
        ),
    ),
]
