"""The JSON API (issue 15): /api/v1/, described by OpenAPI 3.1 (django-ninja). An adapter
like web: every endpoint finds objects with core.access's getters, reads with core's reads
and writes with core's services, so the API has the pages' permissions, rules, refusals
and history, and nothing of its own to get wrong."""
