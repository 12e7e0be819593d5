"""The demo indicators: each one a real published series for Trafford (see ``data/``), with
the illustrative parts (code, owner, ambition, tolerance, commentary) chosen for the demo.

``ambition`` is the yearly improvement, as a percentage of the last value, that the
illustrative targets ask for (see ``targets.py``). ``commentary`` is made-up partnership
commentary, stored on the latest result only when that result is amber or red.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from goldenthread.rules import Frequency, Polarity

from .published import Series

OGL = (
    " Compiled by Trafford Data Lab. Contains public sector information licensed under the "
    "Open Government Licence v3.0."
)

FINANCIAL_YEARS = "Published for financial years."
ACADEMIC_YEARS = (
    "Published for academic years; shown against the financial year that starts in the same "
    "calendar year."
)
CALENDAR_YEARS = (
    "Published for calendar years; shown against the financial year starting that April."
)
ROLLING_YEARS = (
    "Published for rolling twelve-month periods; each is shown against the quarter in which "
    "it ends."
)
CALENDAR_QUARTERS = (
    "Published for calendar quarters; each is shown against the same three months of the "
    "financial year (January to March is Q4)."
)
QUARTER_END_DATES = (
    "Published for dates at the end of each quarter; each is shown against the quarter "
    "containing that date."
)
QUARTER_MONTHS = (
    "Published for the first month of each calendar quarter (2023-04, 2023-07 …); each is "
    "shown against the quarter containing that month."
)
MONTHS = "Published monthly."
FINANCIAL_QUARTERS = "Published for quarters of the financial year."

ANNUAL, QUARTERLY, MONTHLY = Frequency.ANNUAL, Frequency.QUARTERLY, Frequency.MONTHLY
HIGHER, LOWER = Polarity.HIGHER, Polarity.LOWER


@dataclass(frozen=True)
class IndicatorSpec:
    partnership: str  # PartnershipSpec.key
    code: str
    title: str
    definition: str
    unit: str
    decimals: int
    polarity: Polarity
    roll_up: str
    series: Series
    source: str
    owner: str
    owner_org: str
    ambition: Decimal
    tolerance: Decimal = Decimal(5)
    commentary: str = ""

    @property
    def data_source(self) -> str:
        return self.source.rstrip(".") + "." + OGL

    @property
    def is_percentage(self) -> bool:
        return self.unit == "%"


def _i(
    partnership: str,
    code: str,
    title: str,
    definition: str,
    unit: str,
    decimals: int,
    polarity: Polarity,
    roll_up: str,
    series: Series,
    source: str,
    owner: str,
    owner_org: str,
    ambition: str,
    tolerance: str = "5",
    commentary: str = "",
) -> IndicatorSpec:
    return IndicatorSpec(
        partnership,
        code,
        title,
        definition,
        unit,
        decimals,
        polarity,
        roll_up,
        series,
        source,
        owner,
        owner_org,
        Decimal(ambition),
        Decimal(tolerance),
        commentary,
    )


def _s(file: str, indicator: str, frequency: Frequency, **kwargs: str) -> Series:
    return Series(file=file, indicator=indicator, frequency=frequency, **kwargs)


YOUTH_JUSTICE = (
    "Youth justice statistics, Youth Justice Board for England and Wales; population "
    "estimates, ONS."
)
NCMP = "National Child Measurement Programme, NHS Digital."
DFE_LAC = "Children looked after in England including adoption, DfE."
DWP_CILIF = "Children in low income families: local area statistics, DWP."
DESNZ_GHG = "UK local authority and regional greenhouse gas emissions statistics, DESNZ."
DEFRA_WASTE = "Local authority collected waste management annual results, Defra."
AIR_QUALITY = "Air Quality England, Ricardo Energy & Environment."
APS = "Annual Population Survey, ONS."
PLANNING = "Live tables on planning application statistics, MHCLG."
CHILDREN_OFFENDING = "children/children_offending.csv"
NEET_FILE = "children/neet.csv"
NEET = "Not in education, employment or training (NEET)(16-17 years old)"
NEET_NOT_KNOWN = "Not in education, employment or training (NEET)(inc not know)(16-17 years old)"
POVERTY = "children/children_poverty.csv"
WASTE_RECYCLED = "Household waste sent for reuse, recycling or composting"
WASTE_NOT_RECYCLED = "Household waste not sent for reuse, recycling or composting"
NO2 = "Nitrogen Dioxide (NO2)"
PM10 = "Particulate Matter (PM10)"
BUSINESS = "economy/business_births_deaths.csv"
AFFORDABILITY = "economy/housing_affordability.csv"
GVA = "economy/gva.csv"

INDICATORS: list[IndicatorSpec] = [
    # Community Safety Partnership: little published local data, so youth justice, NEET and
    # the claimant rate (a driver of crime the partnership watches).
    _i(
        "CS",
        "CS01",
        "Children cautioned or sentenced",
        "The number of children aged 10 to 17 who received a caution or a court sentence. "
        + FINANCIAL_YEARS,
        "count",
        0,
        LOWER,
        "sum",
        _s(CHILDREN_OFFENDING, "Children cautioned or sentenced", ANNUAL, measure="Count"),
        YOUTH_JUSTICE,
        "lead",
        "council",
        "3",
        "10",
        "Numbers have been level for three years. The out-of-court decision panel (action A1) "
        "is being extended to every locality to divert more children from formal outcomes.",
    ),
    _i(
        "CS",
        "CS02",
        "Children cautioned or sentenced per 10,000 aged 10-17",
        "Children cautioned or sentenced per 10,000 children aged 10 to 17. " + FINANCIAL_YEARS,
        "per 10,000 aged 10-17",
        0,
        LOWER,
        "latest",
        _s(
            CHILDREN_OFFENDING,
            "Children cautioned or sentenced",
            ANNUAL,
            measure="Per 10,000 aged 10-17",
        ),
        YOUTH_JUSTICE,
        "claire.robinson",
        "gmp",
        "2",
        "10",
    ),
    _i(
        "CS",
        "CS03",
        "16 and 17 year olds not in education, employment or training (NEET)",
        "The proportion of academic age 16 and 17 year olds not in education, employment or "
        "training. " + CALENDAR_YEARS,
        "%",
        1,
        LOWER,
        "latest",
        _s(NEET_FILE, NEET, ANNUAL),
        "NEET and participation: local authority figures, DfE.",
        "lead",
        "council",
        "2",
        "5",
        "The third rise in a row. Fire station youth courses (action A2) started late; the "
        "partnership has asked the voluntary sector to add outreach sessions this autumn.",
    ),
    _i(
        "CS",
        "CS04",
        "16 and 17 year olds NEET or whose activity is not known",
        "The proportion of academic age 16 and 17 year olds not in education, employment or "
        "training, or whose activity is not known. " + CALENDAR_YEARS,
        "%",
        1,
        LOWER,
        "latest",
        _s(NEET_FILE, NEET_NOT_KNOWN, ANNUAL),
        "NEET and participation: local authority figures, DfE.",
        "fiona.campbell",
        "vcs",
        "2",
        "5",
    ),
    _i(
        "CS",
        "CS05",
        "Claimants as a proportion of residents aged 16-64",
        "People claiming Jobseeker's Allowance, plus those on Universal Credit who are required "
        "to seek and be available for work, as a proportion of residents aged 16 to 64. " + MONTHS,
        "%",
        1,
        LOWER,
        "latest",
        _s(
            "economy/claimant_count.csv",
            "Claimants as a proportion of residents aged 16-64",
            MONTHLY,
        ),
        "Claimant Count, ONS.",
        "member",
        "housing",
        "2",
        "5",
    ),
    # Health and Wellbeing Board
    _i(
        "HW",
        "HW01",
        "Reception: prevalence of obesity (including severe obesity)",
        "The proportion of children aged 4 to 5 years classified as obese. " + ACADEMIC_YEARS,
        "%",
        1,
        LOWER,
        "latest",
        _s(
            "children/obese_reception.csv",
            "Reception prevalence of obesity (including severe obesity)",
            ANNUAL,
        ),
        NCMP,
        "rachel.thompson",
        "council",
        "2",
    ),
    _i(
        "HW",
        "HW02",
        "Year 6: prevalence of obesity (including severe obesity)",
        "The proportion of children aged 10 to 11 years classified as obese. " + ACADEMIC_YEARS,
        "%",
        1,
        LOWER,
        "latest",
        _s(
            "children/obese_year6.csv",
            "Year 6 prevalence of obesity (including severe obesity)",
            ANNUAL,
        ),
        NCMP,
        "rachel.thompson",
        "council",
        "3",
        "5",
        "A small fall, but short of the target. Families' weight management places are being "
        "offered through schools from the next academic year.",
    ),
    _i(
        "HW",
        "HW03",
        "5 year olds with experience of visually obvious dental decay",
        "The proportion of 5 year olds with experience of visually obvious dental decay, from "
        "the oral health survey (not held every year). " + ACADEMIC_YEARS,
        "%",
        1,
        LOWER,
        "latest",
        _s(
            "children/children_dental_decay.csv",
            "Percentage of 5 year olds with experience of visually obvious dental decay",
            ANNUAL,
        ),
        "Oral health survey of five-year-old children, OHID.",
        "imran.qureshi",
        "nhs",
        "2",
    ),
    _i(
        "HW",
        "HW04",
        "MMR vaccination coverage: one dose at 2 years",
        "Population vaccination coverage for one dose of the MMR vaccine (measles, mumps and "
        "rubella) at 2 years old. " + FINANCIAL_YEARS,
        "%",
        1,
        HIGHER,
        "latest",
        _s(
            "children/vaccination_mmr.csv",
            "Population vaccination coverage: MMR for one dose (2 years old)",
            ANNUAL,
        ),
        "Public Health Outcomes Framework, OHID.",
        "imran.qureshi",
        "nhs",
        "1",
        "2",
        "Coverage fell again. Catch-up clinics (action A2) are behind schedule; practices with "
        "the lowest uptake are being offered extra clinic sessions.",
    ),
    _i(
        "HW",
        "HW05",
        "MMR vaccination coverage: two doses at 5 years",
        "Population vaccination coverage for two doses of the MMR vaccine at 5 years old. "
        + FINANCIAL_YEARS,
        "%",
        1,
        HIGHER,
        "latest",
        _s(
            "children/vaccination_mmr.csv",
            "Population vaccination coverage: MMR for two doses (5 years old)",
            ANNUAL,
        ),
        "Public Health Outcomes Framework, OHID.",
        "imran.qureshi",
        "nhs",
        "0.5",
        "2",
    ),
    _i(
        "HW",
        "HW06",
        "Physically active children and young people",
        "The proportion of children and young people aged 5 to 16 reporting at least 420 "
        "minutes of sport and physical activity in the last week. " + ACADEMIC_YEARS,
        "%",
        1,
        HIGHER,
        "latest",
        _s(
            "children/active_children.csv",
            "Percentage of physically active children and young people",
            ANNUAL,
        ),
        "Active Lives survey, Sport England.",
        "fiona.campbell",
        "vcs",
        "2",
        "5",
        "Down from last year's high. The holiday activities programme has finished; the "
        "partnership is looking at after-school clubs in the wards with the lowest activity.",
    ),
    _i(
        "HW",
        "HW07",
        "Children in relative low income families",
        "The proportion of children under 16 living in a family whose income is below 60% of "
        "the median income in the year, before housing costs. " + FINANCIAL_YEARS,
        "%",
        1,
        LOWER,
        "latest",
        _s(POVERTY, "% of children living in relative low income families: Aged 0-15", ANNUAL),
        DWP_CILIF,
        "rachel.thompson",
        "council",
        "2",
    ),
    _i(
        "HW",
        "HW08",
        "Households in fuel poverty (low income, low energy efficiency)",
        "The proportion of households in fuel poverty under the low income, low energy "
        "efficiency (LILEE) measure used from 2019. " + CALENDAR_YEARS,
        "%",
        1,
        LOWER,
        "latest",
        _s(
            "economy/fuel_poverty.csv",
            "Fuel poverty (low income, low energy efficiency methodology)",
            ANNUAL,
        ),
        "Fuel poverty sub-regional statistics, BEIS.",
        "fiona.campbell",
        "vcs",
        "3",
    ),
    # Children and Young People's Partnership
    _i(
        "CY",
        "CY01",
        "Children achieving a good level of development at the end of Reception",
        "The proportion of children achieving a good level of development at the end of "
        "Reception (school readiness). Not comparable with years before the 2021/22 reforms. "
        + ACADEMIC_YEARS,
        "%",
        1,
        HIGHER,
        "latest",
        _s(
            "children/school_readiness.csv",
            "School readiness: percentage of children achieving a good level of development at "
            "the end of Reception",
            ANNUAL,
        ),
        "Statistics: early years foundation stage profile, DfE.",
        "james.morgan",
        "council",
        "1",
    ),
    _i(
        "CY",
        "CY02",
        "Children on free school meals achieving a good level of development",
        "The proportion of children with free school meal status achieving a good level of "
        "development at the end of Reception. " + ACADEMIC_YEARS,
        "%",
        1,
        HIGHER,
        "latest",
        _s(
            "children/school_readiness.csv",
            "School readiness: percentage of children with free school meal status achieving a "
            "good level of development at the end of Reception",
            ANNUAL,
        ),
        "Statistics: early years foundation stage profile, DfE.",
        "james.morgan",
        "council",
        "4",
        "5",
        "Improving, but the gap with all children is still more than 25 points. The early "
        "language programme (action A1) targets family hubs in the areas with most children on "
        "free school meals.",
    ),
    _i(
        "CY",
        "CY03",
        "Pupils reaching the expected standard in reading, writing and maths at key stage 2",
        "The proportion of pupils reaching the expected standard in reading, writing and "
        "mathematics at the end of key stage 2. No data for 2019/20 and 2020/21. " + ACADEMIC_YEARS,
        "%",
        0,
        HIGHER,
        "latest",
        _s(
            "children/expected_standard_ks2.csv",
            "Pupils reaching the expected standard at the end of key stage 2 in reading, "
            "writing and mathematics",
            ANNUAL,
        ),
        "Statistics: key stage 2, DfE.",
        "karen.ashworth",
        "council",
        "2",
    ),
    _i(
        "CY",
        "CY04",
        "Pupils achieving grade 5 or above in English and maths GCSE",
        "The proportion of pupils achieving grades 9 to 5 in English and mathematics at the end "
        "of key stage 4. " + ACADEMIC_YEARS,
        "%",
        1,
        HIGHER,
        "latest",
        _s(
            "children/grades_5_or_above_ks4.csv",
            "Percentage achieving 9-5 in English & mathematics at Key Stage 4",
            ANNUAL,
        ),
        "Statistics: GCSEs (key stage 4), DfE.",
        "karen.ashworth",
        "council",
        "1",
        "3",
        "Results fell back after last year's rise. Schools are sharing maths teaching "
        "approaches through the secondary heads' network.",
    ),
    _i(
        "CY",
        "CY05",
        "Average Progress 8 score",
        "The progress pupils make from the end of primary school to the end of key stage 4 "
        "compared with pupils of similar prior attainment; above zero is better than average. "
        "No data for 2019/20 and 2020/21. " + ACADEMIC_YEARS,
        "score",
        2,
        HIGHER,
        "latest",
        _s("children/progress_8_score.csv", "Average Progress 8 score", ANNUAL),
        "Statistics: GCSEs (key stage 4), DfE.",
        "karen.ashworth",
        "council",
        "5",
        "10",
    ),
    _i(
        "CY",
        "CY06",
        "Children looked after who had their annual health assessment",
        "The proportion of children looked after who had their annual health assessment. "
        + FINANCIAL_YEARS,
        "%",
        0,
        HIGHER,
        "latest",
        _s(
            "children/cla_health_assessment.csv",
            "Children looked after who had their annual health assessment",
            ANNUAL,
        ),
        DFE_LAC,
        "helen.burke",
        "nhs",
        "2",
        "3",
    ),
    _i(
        "CY",
        "CY07",
        "Children looked after who had their teeth checked by a dentist",
        "The proportion of children looked after who had their teeth checked by a dentist. "
        + FINANCIAL_YEARS,
        "%",
        0,
        HIGHER,
        "latest",
        _s(
            "children/cla_dental_check.csv",
            "Children looked after who had their teeth checked by a dentist",
            ANNUAL,
        ),
        DFE_LAC,
        "helen.burke",
        "nhs",
        "5",
        "5",
    ),
    _i(
        "CY",
        "CY08",
        "Children in absolute low income families",
        "The proportion of children under 16 living in a family whose income is below 60% of "
        "the 2010/11 median adjusted for inflation, before housing costs. " + FINANCIAL_YEARS,
        "%",
        1,
        LOWER,
        "latest",
        _s(POVERTY, "% of children living in absolute low income families: Aged 0-15", ANNUAL),
        DWP_CILIF,
        "james.morgan",
        "council",
        "3",
    ),
    # Climate Emergency Partnership
    _i(
        "CL",
        "CL01",
        "Borough-wide CO2 emissions",
        "Estimated territorial carbon dioxide emissions within the borough. Published to 13 "
        "decimal places and held here to 6. " + CALENDAR_YEARS,
        "kt CO2",
        1,
        LOWER,
        "latest",
        _s(
            "climate/borough_wide_co2_emissions.csv",
            "Local Authority territorial carbon dioxide (CO2) emissions estimates",
            ANNUAL,
        ),
        "2005 to 2023 UK local and regional greenhouse gas emissions, DESNZ.",
        "emma.clarke",
        "council",
        "4",
    ),
    _i(
        "CL",
        "CL02",
        "Industrial greenhouse gas emissions",
        "Estimated territorial emissions of carbon dioxide, methane and nitrous oxide from "
        "industry in the borough. " + CALENDAR_YEARS,
        "kt CO2e",
        1,
        LOWER,
        "latest",
        _s(
            "climate/industry_emissions.csv",
            "Greenhouse gas emissions estimates - Industry",
            ANNUAL,
        ),
        DESNZ_GHG,
        "emma.clarke",
        "council",
        "4",
        "5",
    ),
    _i(
        "CL",
        "CL03",
        "Household waste sent for reuse, recycling or composting",
        "The proportion of household waste sent for reuse, recycling or composting. "
        + FINANCIAL_YEARS,
        "%",
        1,
        HIGHER,
        "latest",
        _s("climate/household_waste_recycling.csv", WASTE_RECYCLED, ANNUAL, measure="Percentage"),
        DEFRA_WASTE,
        "stephen.wright",
        "council",
        "2",
        "1",
        "The rate slipped below the target. Recycling in flats (action A4) is complete and is "
        "expected to show in next year's figures.",
    ),
    _i(
        "CL",
        "CL04",
        "Household waste not sent for reuse, recycling or composting",
        "Tonnes of household waste not sent for reuse, recycling or composting. " + FINANCIAL_YEARS,
        "tonnes",
        0,
        LOWER,
        "sum",
        _s(
            "climate/household_waste_not_recycled.csv",
            WASTE_NOT_RECYCLED,
            ANNUAL,
            measure="Frequency",
        ),
        DEFRA_WASTE,
        "member",
        "housing",
        "2",
    ),
    _i(
        "CL",
        "CL05",
        "Vehicle miles travelled",
        "Motor vehicle traffic on the borough's roads, all vehicle types. " + CALENDAR_YEARS,
        "million vehicle miles",
        1,
        LOWER,
        "sum",
        _s("climate/vehicle_miles_travelled.csv", "Vehicle miles travelled", ANNUAL),
        "Road traffic statistics (TRA8901), Department for Transport.",
        "emma.clarke",
        "council",
        "1",
        "2",
        "Traffic has risen every year since 2020. The partnership will review the sustainable "
        "travel actions at its next meeting.",
    ),
    _i(
        "CL",
        "CL06",
        "Public electric vehicle charging devices per 100,000 population",
        "Publicly available electric vehicle charging devices at all speeds per 100,000 "
        "population. " + QUARTER_MONTHS,
        "per 100,000 population",
        1,
        HIGHER,
        "latest",
        _s(
            "climate/electric_vehicle_charging_points.csv",
            "Publicly available electric vehicle charging devices at all speeds",
            QUARTERLY,
        ),
        "Public electric vehicle charging devices, Department for Transport and Office for "
        "Zero Emission Vehicles.",
        "emma.clarke",
        "council",
        "20",
    ),
    _i(
        "CL",
        "CL07",
        "Licensed ultra low emission vehicles",
        "The number of licensed ultra low emission vehicles (ULEVs) registered in the borough. "
        + QUARTER_END_DATES,
        "vehicles",
        0,
        HIGHER,
        "latest",
        _s(
            "climate/licensed_vehicles.csv",
            "Licensed vehicles - ultra low emission vehicles (ulev) and all vehicles including "
            "ulev",
            QUARTERLY,
            value_column="value_ulev",
        ),
        "Vehicle licensing statistics (VEH0132), Department for Transport and DVLA.",
        "emma.clarke",
        "council",
        "20",
    ),
    _i(
        "CL",
        "CL08",
        "NO2 annual mean concentration at Trafford A56",
        "Annual mean concentration of nitrogen dioxide at the Trafford A56 monitoring station; "
        "the legal limit is 40 µg/m³. " + QUARTER_END_DATES,
        "µg/m³",
        1,
        LOWER,
        "latest",
        _s("climate/no2_concentration.csv", NO2, QUARTERLY, station="TRF2"),
        AIR_QUALITY,
        "stephen.wright",
        "council",
        "5",
    ),
    _i(
        "CL",
        "CL09",
        "NO2 annual mean concentration at Trafford Moss Park",
        "Annual mean concentration of nitrogen dioxide at the Trafford Moss Park monitoring "
        "station; the legal limit is 40 µg/m³. " + QUARTER_END_DATES,
        "µg/m³",
        1,
        LOWER,
        "latest",
        _s("climate/no2_concentration.csv", NO2, QUARTERLY, station="TRAF"),
        AIR_QUALITY,
        "stephen.wright",
        "council",
        "5",
    ),
    _i(
        "CL",
        "CL10",
        "NO2 annual mean concentration at Trafford Wellacre Academy",
        "Annual mean concentration of nitrogen dioxide at the Trafford Wellacre Academy "
        "monitoring station; the legal limit is 40 µg/m³. " + QUARTER_END_DATES,
        "µg/m³",
        1,
        LOWER,
        "latest",
        _s("climate/no2_concentration.csv", NO2, QUARTERLY, station="TRF3"),
        AIR_QUALITY,
        "stephen.wright",
        "council",
        "5",
    ),
    _i(
        "CL",
        "CL11",
        "PM10 annual mean concentration at Trafford A56",
        "Annual mean concentration of particulate matter (PM10) at the Trafford A56 monitoring "
        "station; the legal limit is 40 µg/m³. " + QUARTER_END_DATES,
        "µg/m³",
        1,
        LOWER,
        "latest",
        _s("climate/pm10_concentration.csv", PM10, QUARTERLY, station="TRF2"),
        AIR_QUALITY,
        "stephen.wright",
        "council",
        "5",
    ),
    _i(
        "CL",
        "CL12",
        "PM10 annual mean concentration at Trafford Moss Park",
        "Annual mean concentration of particulate matter (PM10) at the Trafford Moss Park "
        "monitoring station; the legal limit is 40 µg/m³. " + QUARTER_END_DATES,
        "µg/m³",
        1,
        LOWER,
        "latest",
        _s("climate/pm10_concentration.csv", PM10, QUARTERLY, station="TRAF"),
        AIR_QUALITY,
        "stephen.wright",
        "council",
        "5",
    ),
    _i(
        "CL",
        "CL13",
        "Household waste sent for reuse, recycling or composting (tonnes)",
        "Tonnes of household waste sent for reuse, recycling or composting. " + FINANCIAL_YEARS,
        "tonnes",
        0,
        HIGHER,
        "sum",
        _s("climate/household_waste_recycling.csv", WASTE_RECYCLED, ANNUAL, measure="Frequency"),
        DEFRA_WASTE,
        "stephen.wright",
        "council",
        "1",
    ),
    # Economic Growth Partnership
    _i(
        "EG",
        "EG01",
        "Employment rate, aged 16-64",
        "The proportion of residents aged 16 to 64 in employment. " + ROLLING_YEARS,
        "%",
        1,
        HIGHER,
        "latest",
        _s("economy/employment_rate.csv", "Employment rate - aged 16-64", QUARTERLY),
        APS,
        "mohammed.iqbal",
        "council",
        "1",
        "2",
    ),
    _i(
        "EG",
        "EG02",
        "Economically inactive, aged 16-64",
        "The proportion of residents aged 16 to 64 who are economically inactive. " + ROLLING_YEARS,
        "%",
        1,
        LOWER,
        "latest",
        _s(
            "economy/economic_inactivity.csv",
            "% who are economically inactive - aged 16-64",
            QUARTERLY,
        ),
        APS,
        "mohammed.iqbal",
        "council",
        "2",
        "5",
        "Inactivity rose in the latest twelve months after a strong fall. The survey estimate "
        "moves a good deal from one period to the next; the partnership will look at the trend "
        "over the year before changing its approach.",
    ),
    _i(
        "EG",
        "EG03",
        "Claimant count",
        "People claiming Jobseeker's Allowance, plus those on Universal Credit who are required "
        "to seek and be available for work. " + MONTHS,
        "count",
        0,
        LOWER,
        "latest",
        _s("economy/claimant_count.csv", "Claimant count", MONTHLY, measure="Count"),
        "Claimant Count, ONS.",
        "mohammed.iqbal",
        "council",
        "2",
    ),
    _i(
        "EG",
        "EG04",
        "People on Universal Credit as a proportion of residents aged 16-64",
        "People on Universal Credit as a proportion of residents aged 16 to 64. " + MONTHS,
        "%",
        1,
        LOWER,
        "latest",
        _s(
            "economy/universal_credit.csv",
            "People on Universal Credit as a proportion of residents aged 16-64",
            MONTHLY,
        ),
        "People on Universal Credit, DWP; population estimates, ONS.",
        "mohammed.iqbal",
        "council",
        "2",
    ),
    _i(
        "EG",
        "EG05",
        "GDP per head",
        "Gross domestic product per head at current market prices. Current prices do not allow "
        "for inflation. " + CALENDAR_YEARS,
        "£ per head",
        0,
        HIGHER,
        "latest",
        _s(
            "economy/gdp.csv",
            "GDP per head at current market prices",
            ANNUAL,
        ),
        "Regional gross domestic product: local authorities, ONS.",
        "david.nolan",
        "council",
        "3",
    ),
    _i(
        "EG",
        "EG06",
        "Gross value added, all industries",
        "Gross value added by all industries in the borough at current prices. Current prices "
        "do not allow for inflation. " + CALENDAR_YEARS,
        "£ million",
        0,
        HIGHER,
        "latest",
        _s(GVA, "GVA, all industries at current prices", ANNUAL),
        "Regional gross value added (balanced) by industry: local authorities, ONS.",
        "david.nolan",
        "council",
        "3",
    ),
    _i(
        "EG",
        "EG07",
        "Gross value added per hour worked",
        "Gross value added per hour worked at current prices (smoothed). " + CALENDAR_YEARS,
        "£ per hour worked",
        2,
        HIGHER,
        "latest",
        _s(GVA, "GVA per hour worked at current prices", ANNUAL),
        "Subregional productivity: labour productivity indices by local authority district, ONS.",
        "david.nolan",
        "council",
        "4",
        "1",
        "Productivity is still rising, but more slowly than the partnership aimed for. The "
        "start-up support programme (action A2) includes advice on digital tools.",
    ),
    _i(
        "EG",
        "EG08",
        "Business births",
        "The number of new businesses registered in the quarter. " + CALENDAR_QUARTERS,
        "count",
        0,
        HIGHER,
        "sum",
        _s(BUSINESS, "Business Births", QUARTERLY, measure="Count"),
        "Business demography, quarterly, UK, low-level geographic breakdown, ONS.",
        "outsider",
        "business",
        "3",
        "5",
    ),
    _i(
        "EG",
        "EG09",
        "Business deaths",
        "The number of businesses that closed in the quarter. " + CALENDAR_QUARTERS,
        "count",
        0,
        LOWER,
        "sum",
        _s(BUSINESS, "Business Deaths", QUARTERLY, measure="Count"),
        "Business demography, quarterly, UK, low-level geographic breakdown, ONS.",
        "outsider",
        "business",
        "3",
        "5",
    ),
    _i(
        "EG",
        "EG10",
        "House price to workplace-based earnings ratio",
        "The ratio of the median house price to median gross annual earnings of people who "
        "work in the borough. " + CALENDAR_YEARS,
        "ratio",
        1,
        LOWER,
        "latest",
        _s(
            AFFORDABILITY,
            "Ratio of median house price to median gross annual workplace-based earnings",
            ANNUAL,
        ),
        "House price to workplace-based earnings ratio, ONS.",
        "david.nolan",
        "council",
        "1",
    ),
    _i(
        "EG",
        "EG11",
        "House price to residence-based earnings ratio",
        "The ratio of the median house price to median gross annual earnings of people who "
        "live in the borough. " + CALENDAR_YEARS,
        "ratio",
        1,
        LOWER,
        "latest",
        _s(
            AFFORDABILITY,
            "Ratio of median house price to median gross annual residence-based earnings",
            ANNUAL,
        ),
        "House price to residence-based earnings ratio, ONS.",
        "david.nolan",
        "council",
        "1",
        "2",
    ),
    _i(
        "EG",
        "EG12",
        "Employees paid at or above the real Living Wage",
        "The proportion of employee jobs in the borough paid at or above the real Living Wage "
        "set by the Living Wage Foundation. " + CALENDAR_YEARS,
        "%",
        1,
        HIGHER,
        "latest",
        _s(
            "economy/real_living_wage.csv",
            "Employees paid at or above the real living wage by work geography",
            ANNUAL,
        ),
        "Annual Survey of Hours and Earnings, ONS.",
        "outsider",
        "business",
        "2",
    ),
    _i(
        "EG",
        "EG13",
        "Apprenticeship starts per 100,000 population",
        "Apprenticeships started in the year per 100,000 population; learners starting more "
        "than one apprenticeship count more than once. " + ACADEMIC_YEARS,
        "per 100,000 population",
        0,
        HIGHER,
        "sum",
        _s(
            "economy/apprenticeship_starts.csv",
            "Apprenticeship starts rate per 100,000 population",
            ANNUAL,
        ),
        "Statistics: further education and skills, DfE.",
        "nicola.patel",
        "college",
        "3",
    ),
    _i(
        "EG",
        "EG14",
        "Major planning applications decided in time",
        "The proportion of major planning applications decided within 13 weeks (16 with an "
        "environmental impact assessment) or an agreed extended time. " + FINANCIAL_QUARTERS,
        "%",
        0,
        HIGHER,
        "mean",
        _s(
            "economy/planning_applications_major.csv",
            "Percentage of major planning applications decided within 13 weeks or agreed time",
            QUARTERLY,
        ),
        PLANNING,
        "liam.doyle",
        "council",
        "2",
    ),
    _i(
        "EG",
        "EG15",
        "Non-major planning applications decided in time",
        "The proportion of non-major planning applications decided within 8 weeks or an agreed "
        "extended time. " + FINANCIAL_QUARTERS,
        "%",
        1,
        HIGHER,
        "mean",
        _s(
            "economy/planning_applications_non-major.csv",
            "Percentage of all non-major development planning applications decided in time",
            QUARTERLY,
        ),
        PLANNING,
        "liam.doyle",
        "council",
        "2",
        "3",
    ),
]
