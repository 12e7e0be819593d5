"""Accessibility checks with axe-core in the real browser.

    from tests.browser.axe import assert_no_axe_violations

    def test_login_page(live_server, page):
        page.goto(live_server.url + "/accounts/login/")
        assert_no_axe_violations(page)

axe-core comes from npm (`make test` installs it into node_modules/ at the repository root).
The page's context must have been made with bypass_csp=True (tests/browser/conftest.py does),
since the script is injected inline and our Content-Security-Policy forbids inline scripts.
"""

from pathlib import Path

from playwright.sync_api import Error as PlaywrightError

AXE_PATH = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"

# WCAG 2.2 AA, which includes every A and AA rule of 2.0 and 2.1.
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")

_RUN_AXE = """
async (tags) => {
  const results = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
  return {
    version: axe.version,
    passes: results.passes.length,
    violations: results.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({target: n.target, html: n.html, summary: n.failureSummary})),
    })),
  };
}
"""


def run_axe(page, tags=WCAG_TAGS) -> dict:
    """Run axe-core on the page as it is now; return {version, passes, violations}."""
    if not AXE_PATH.exists():
        raise RuntimeError(f"{AXE_PATH} is missing: run `make test-deps` first")
    # A click that navigates returns before the next page has loaded: checking then would
    # inject into a document that is being replaced. Wait for it, and try once more if a
    # navigation still started under us.
    page.wait_for_load_state("load")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        try:
            page.add_script_tag(path=str(AXE_PATH))
        except PlaywrightError:
            page.wait_for_load_state("load")
            page.add_script_tag(path=str(AXE_PATH))
        if not page.evaluate("() => typeof window.axe === 'object'"):
            raise RuntimeError(
                "axe-core did not load into the page: was the browser context made with "
                "bypass_csp=True? (tests/browser/conftest.py sets it in browser_context_args)"
            )
    return page.evaluate(_RUN_AXE, list(tags))


def format_violations(violations: list[dict], max_nodes: int = 5) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']}  <{v['helpUrl']}>")
        for node in v["nodes"][:max_nodes]:
            html = " ".join(node["html"].split())
            if len(html) > 160:
                html = html[:157] + "..."
            lines.append(f"    at {', '.join(map(str, node['target']))}: {html}")
        if len(v["nodes"]) > max_nodes:
            lines.append(f"    ... and {len(v['nodes']) - max_nodes} more")
    return "\n".join(lines)


def assert_no_axe_violations(page, tags=WCAG_TAGS) -> dict:
    """Fail with a readable list if axe-core finds any WCAG 2.2 A/AA violation on the page."""
    results = run_axe(page, tags)
    violations = results["violations"]
    if violations:
        raise AssertionError(
            f"axe-core {results['version']} found {len(violations)} accessibility "
            f"violation(s) on {page.url}:\n{format_violations(violations)}"
        )
    return results
