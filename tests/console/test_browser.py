"""The console in a real browser: Debian's Chromium driven by Playwright.

Under CI=true these tests must run (.ci/run installs chromium); elsewhere they
skip when /usr/bin/chromium is missing. Screenshots go to test-artifacts/browser/.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from analysis.models import Analysis
from logs.models import LogPattern
from tests.console.test_pages import XSS, ingest, log
from tests.helpers.users import user_with_role

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts" / "browser"
# Chromium's own background traffic fails on a closed network; keep it quiet and quick.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is missing under CI: .ci/run must install it")
        pytest.skip("no /usr/bin/chromium here (apt-get install chromium); under CI=true: fail")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the tests' ORM calls are
    # plain synchronous code between browser steps.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server, request) -> Iterator[object]:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1366, "height": 800})
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.dialogs = dialogs
    yield page
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()
    assert not dialogs, f"a script ran in the page: {dialogs}"


def log_in(page, role: str) -> None:
    user_with_role(role)
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(role)
    page.get_by_label("Password").fill("pw-" + role)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/")


def seed() -> None:
    ingest(
        log("Modbus timeout reading register 40001 from slave 7"),
        log("Modbus timeout reading register 40002 from slave 9", host="plc-2"),
        log("Conveyor 4 motor overtemperature 97C", severity="CRITICAL"),
        log(f"operator note {XSS[0]} {XSS[1]}", severity="WARNING", note=XSS[1]),
    )


def test_operator_filters_opens_a_pattern_and_asks_for_an_analysis(page):
    from playwright.sync_api import expect

    seed()
    modbus = LogPattern.objects.get(template__startswith="Modbus")
    Analysis.objects.filter(pattern=modbus).update(status=Analysis.Status.CANCELLED)
    log_in(page, "operator")

    page.get_by_role("link", name="Patterns").click()
    # Until the page's load event htmx (a deferred script) may not have bound the search
    # box yet: typed text would change nothing. A click does not wait for it; this does.
    page.wait_for_url("**/patterns/")
    rows = page.locator("#pattern-results tbody tr")
    assert rows.count() == 3
    page.evaluate("window.__noReload = true")
    page.get_by_label("Search templates").fill("modbus")
    # Locators, not wait_for_function: its string predicate is an eval the page's CSP refuses.
    # The filter waits 400 ms for typing to stop, then asks the server: on a machine busy
    # with other suites that took more than the default 5 s once.
    expect(rows).to_have_count(1, timeout=15_000)
    assert "q=modbus" in page.url  # the filter is in the address, so it can be shared
    page.screenshot(path=str(ARTIFACTS / "patterns-filtered.png"))

    page.get_by_role("link", name="Modbus timeout reading register").click()
    page.wait_for_url(f"**/patterns/{modbus.pk}/")
    page.evaluate("window.__noReload = true")
    page.get_by_role("button", name="Analyze again").click()
    page.get_by_text("Analysis queued").first.wait_for()
    assert page.evaluate("window.__noReload === true")  # updated in place, not reloaded
    assert Analysis.objects.filter(pattern=modbus, status=Analysis.Status.QUEUED).count() == 1

    page.get_by_role("button", name="Mute").click()
    page.locator("#pattern-status").get_by_text("Muted").wait_for()
    assert page.evaluate("window.__noReload === true")
    modbus.refresh_from_db()
    assert modbus.status == LogPattern.Status.MUTED


def test_operator_approves_a_draft_in_place_on_the_tickets_page(page):
    from playwright.sync_api import expect

    from integrations.models import Integration, Ticket

    seed()
    jira = Integration.objects.create(
        name="Plant Jira", kind=Integration.Kind.JIRA, base_url="http://127.0.0.1:9",
        auth=Integration.Auth.TOKEN, secret="token", project_key="OPS",
    )  # fmt: skip
    draft, other = (
        Ticket.objects.create(
            integration=jira,
            pattern=LogPattern.objects.get(template__startswith=start),
            status=Ticket.Status.DRAFT,
            correlation_id=f"c-{start}",
            draft_reason="confidence 0.40 below 0.70",
        )
        for start in ("Modbus", "Conveyor")
    )
    log_in(page, "operator")

    page.get_by_role("link", name="Tickets").click()
    page.wait_for_url("**/tickets/")
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(2)
    page.evaluate("window.__noReload = true")
    page.locator(f"#ticket-{draft.pk}").get_by_role("button", name="Approve").click()
    expect(page.locator(f"#ticket-{draft.pk}")).to_contain_text("Being opened")
    assert page.evaluate("window.__noReload === true")  # the row changed, the page did not
    expect(page.locator(f"#ticket-{other.pk}")).to_contain_text("Draft")
    draft.refresh_from_db()
    assert draft.status == Ticket.Status.PENDING


def test_keyboard_moves_through_patterns_opens_one_and_mutes_it(page):
    from playwright.sync_api import expect

    seed()
    log_in(page, "operator")
    page.goto("/patterns/?sort=count")
    rows = page.locator("#pattern-results tbody tr")
    expect(rows).to_have_count(3)
    page.evaluate("window.__noReload = true")

    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("k")
    page.keyboard.press("j")
    second = rows.nth(1)
    expect(second).to_have_class("current")
    pattern_id = int(second.get_attribute("data-pattern"))

    page.keyboard.press("m")  # mutes the current row, the list redrawn in place
    expect(page.locator(f'tr[data-pattern="{pattern_id}"]')).to_contain_text("Muted")
    assert page.evaluate("window.__noReload === true")
    assert LogPattern.objects.get(pk=pattern_id).status == LogPattern.Status.MUTED
    expect(page.locator(f'tr[data-pattern="{pattern_id}"]')).to_have_class("current")

    page.keyboard.press("?")
    expect(page.get_by_role("dialog", name="Keyboard shortcuts")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog", name="Keyboard shortcuts")).to_be_hidden()

    page.keyboard.press("o")
    page.wait_for_url(f"**/patterns/{pattern_id}/")
    page.keyboard.press("r")
    page.locator("#pattern-status").get_by_text("Resolved").wait_for()
    assert LogPattern.objects.get(pk=pattern_id).status == LogPattern.Status.RESOLVED
    page.keyboard.press("s")
    expect(page.locator("#pattern-status form.snooze select")).to_be_focused()
    page.keyboard.press("m")  # typed into the select: not a shortcut
    assert LogPattern.objects.get(pk=pattern_id).status == LogPattern.Status.RESOLVED


def test_xss_payloads_in_logs_render_as_text(page):
    seed()
    log_in(page, "viewer")
    page.goto("/logs/?q=operator")
    page.locator("summary").first.click()
    page.get_by_text(XSS[0], exact=False).first.wait_for()
    assert page.locator("img[src='x']").count() == 0
    pattern = LogPattern.objects.get(template__startswith="operator note")
    page.goto(f"/patterns/{pattern.pk}/")
    page.locator("summary").first.click()
    assert page.locator("img[src='x']").count() == 0
    assert XSS[1] in page.content().replace("&lt;", "<").replace("&gt;", ">")


def test_dashboard_refreshes_itself(page):
    from playwright.sync_api import expect

    seed()
    log_in(page, "viewer")
    page.evaluate("window.__noReload = true")
    first = page.get_by_text("Updated").inner_text()
    expect(page.get_by_text("Updated")).not_to_have_text(first, timeout=15_000)
    assert page.evaluate("window.__noReload === true")


def test_keyboard_reaches_the_filters_and_the_first_pattern(page):
    seed()
    log_in(page, "viewer")
    page.goto("/patterns/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    focused = []
    for _ in range(25):
        page.keyboard.press("Tab")
        focused.append(
            page.evaluate("document.activeElement.id || document.activeElement.textContent")
        )
    assert "id_q" in focused
    assert any("Modbus timeout" in (text or "") for text in focused)


# Each document records what its Content-Security-Policy refused, before any page script runs.
RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.effectiveDirective} refused ${event.blockedURI || "inline"} ` +
    `(${event.sourceFile}:${event.lineNumber})`
  );
});
"""


def test_console_and_admin_pages_run_under_the_content_security_policy(page):
    from integrations.models import Integration, Ticket

    seed()
    modbus = LogPattern.objects.get(template__startswith="Modbus")
    jira = Integration.objects.create(
        name="Plant Jira", kind=Integration.Kind.JIRA, base_url="http://127.0.0.1:9",
        auth=Integration.Auth.TOKEN, secret="token", project_key="OPS",
    )  # fmt: skip
    Ticket.objects.create(
        integration=jira, pattern=modbus, status=Ticket.Status.OPEN, external_key="OPS-7",
        url="http://jira.example/browse/OPS-7", correlation_id="c-1",
    )  # fmt: skip
    page.add_init_script(RECORD_CSP_VIOLATIONS)
    errors: list[str] = []

    def console_error(message) -> None:
        # Chromium asks for /favicon.ico on its own; Gogent has none.
        if message.type == "error" and not message.location["url"].endswith("/favicon.ico"):
            errors.append(f"{message.text} ({message.location['url']})")

    page.on("console", console_error)
    page.on("pageerror", lambda error: errors.append(str(error)))
    admin = user_with_role("admin")
    log_in(page, "admin")

    pages = [
        "/",
        "/patterns/",
        f"/patterns/{modbus.pk}/",
        "/logs/?q=Modbus",
        "/analyses/",
        "/tickets/?status=open",
        "/patterns/?ticket=yes",
        "/admin/",
        "/admin/logs/logpattern/",
        f"/admin/logs/logpattern/{modbus.pk}/change/",
        "/admin/integrations/ticket/",
        "/admin/integrations/integration/add/",
        f"/admin/auth/user/{admin.pk}/change/",
        "/admin/operations/",
        "/api/docs",
    ]
    refused = {}
    for path in pages:
        response = page.goto(path, wait_until="networkidle")
        assert response.ok, f"{path}: {response.status}"
        assert "default-src 'self'" in response.headers["content-security-policy"], path
        if path.startswith(("/patterns/", "/logs/")):
            assert page.evaluate("typeof htmx") == "object", path  # htmx loaded and ran
        if violations := page.evaluate("window.__cspViolations"):
            refused[path] = violations
    page.locator(".swagger-ui .info .title").wait_for()  # Swagger UI rendered the API
    assert not refused, refused
    assert not errors, errors
