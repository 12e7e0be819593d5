"""Every resource's router, in the order the OpenAPI description lists them."""

from ninja import Router

from . import (
    comparators,  # noqa: F401 (its reads go on writes.comparators: /comparators)
    compliance,
    indicators,
    partners,
    partnerships,
    plans,
    reports,
    risks,
    strategy,
)
from . import returns as returns_api
from . import writes as writes_api

ROUTERS: list[tuple[str, Router]] = [
    ("/partnerships", partnerships.router),
    ("/partnerships", partners.router),
    ("/strategic-plans", strategy.router),
    ("/plans", plans.router),
    ("/objectives", plans.objectives_router),
    ("/indicators", indicators.router),
    ("/targets", indicators.targets_router),
    ("/results", indicators.results_router),
    ("/actions", plans.actions_router),
    ("/risks", risks.router),
    ("/compliance", compliance.router),
    ("/annual-reports", reports.router),
    ("/returns", returns_api.router),
    ("/actions", writes_api.actions),
    ("/risks", writes_api.risks),
    ("/comparators", writes_api.comparators),  # with comparators.py's reads on it
]
