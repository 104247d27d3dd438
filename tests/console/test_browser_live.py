"""Live lists and `s` on the list, in a real browser (Debian's Chromium, Playwright).

The fixtures and the way Chromium is found are test_browser.py's: under CI=true these
must run; elsewhere they skip without /usr/bin/chromium.
"""

from __future__ import annotations

import pytest

from logs.models import LogPattern
from tests.console.test_browser import browser, log_in, page, seed  # noqa: F401 (fixtures)
from tests.console.test_pages import ingest, log

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

INTERVAL = 1  # seconds between polls here (CONSOLE_LIVE_INTERVAL)
WAIT = 10_000  # ms: a deadline for what a poll or two brings


@pytest.fixture(autouse=True)
def _fast_polls(settings) -> None:
    settings.CONSOLE_LIVE_INTERVAL = INTERVAL


def live_polls(browser_page) -> list[str]:
    polls: list[str] = []
    browser_page.on("request", lambda request: "/live" in request.url and polls.append(request.url))
    return polls


def test_a_new_pattern_and_a_new_count_appear_without_a_reload(page):  # noqa: F811
    from playwright.sync_api import expect

    seed()
    log_in(page, "viewer")
    page.goto("/patterns/")
    expect(page.locator("#pattern-rows tr")).to_have_count(3)
    expect(page.locator("#pattern-live .live-state")).to_have_text(f"Live · every {INTERVAL} s")
    page.evaluate("window.__noReload = true")

    ingest(log("Boiler feed pump pressure low", severity="WARNING"), start=100)
    ingest(log("Modbus timeout reading register 40009 from slave 3"), start=200)
    boiler = LogPattern.objects.get(template__startswith="Boiler")
    modbus = LogPattern.objects.filter(template__startswith="Modbus").get()

    new_row = page.locator(f"#pattern-{boiler.pk}")
    expect(new_row).to_contain_text("Boiler feed pump pressure low", timeout=WAIT)
    expect(new_row).to_have_class("live-new")
    expect(page.locator("#pattern-rows tr").first).to_have_id(f"pattern-{boiler.pk}")
    expect(page.locator(f"#pattern-{modbus.pk} td.num").first).to_have_text(
        str(modbus.count), timeout=WAIT
    )
    expect(page.locator("#pattern-rows tr")).to_have_count(4)
    assert page.evaluate("window.__noReload === true")


def test_new_logs_appear_at_the_top_of_the_logs_list(page):  # noqa: F811
    from playwright.sync_api import expect

    seed()
    log_in(page, "viewer")
    page.goto("/logs/?severity=40")
    page.evaluate("window.__noReload = true")
    ingest(
        log("Boiler feed pump pressure low", severity="ERROR"),
        log("Cabinet door opened", severity="INFO"),  # below the page's filter
        start=100,
    )
    first = page.locator("#log-rows tr").first
    expect(first).to_contain_text("Boiler feed pump pressure low", timeout=WAIT)
    expect(page.locator("#log-rows")).not_to_contain_text("Cabinet door opened")
    assert page.evaluate("window.__noReload === true")


def test_polling_pauses_while_a_row_is_selected_and_resumes_after(page):  # noqa: F811
    from playwright.sync_api import expect

    seed()
    log_in(page, "operator")
    polls = live_polls(page)
    page.goto("/patterns/")
    state = page.locator("#pattern-live .live-state")
    expect(state).to_have_text(f"Live · every {INTERVAL} s")
    # Evidence that polling runs before it is paused.
    page.wait_for_timeout(2.5 * INTERVAL * 1000)
    assert polls, "the list never polled"

    page.locator('#pattern-rows input[name="pattern"]').first.check()
    expect(state).to_have_text("Live · paused while selecting")
    before = len(polls)
    ingest(log("Boiler feed pump pressure low", severity="WARNING"), start=100)
    boiler = LogPattern.objects.get(template__startswith="Boiler")
    # Three intervals with the box ticked: the state is redrawn each tick, no poll goes out.
    page.wait_for_timeout(3 * INTERVAL * 1000)
    expect(state).to_have_text("Live · paused while selecting")
    assert len(polls) == before
    expect(page.locator(f"#pattern-{boiler.pk}")).to_have_count(0)
    assert page.locator('#pattern-rows input[name="pattern"]').first.is_checked()

    page.locator('#pattern-rows input[name="pattern"]').first.uncheck()
    expect(state).to_have_text(f"Live · every {INTERVAL} s")
    expect(page.locator(f"#pattern-{boiler.pk}")).to_be_visible(timeout=WAIT)

    # Typing into a filter pauses it too.
    page.get_by_label("Host").focus()
    expect(state).to_have_text("Live · paused while typing")


def test_s_snoozes_the_current_row_from_the_list_and_live_updates_keep_it_current(
    page,  # noqa: F811
):
    from playwright.sync_api import expect

    seed()
    log_in(page, "operator")
    page.goto("/patterns/?sort=count")
    rows = page.locator("#pattern-rows tr")
    expect(rows).to_have_count(3)
    page.evaluate("window.__noReload = true")

    page.keyboard.press("j")
    page.keyboard.press("j")
    current = rows.nth(1)
    expect(current).to_have_class("current")
    pattern_id = int(current.get_attribute("data-pattern"))

    page.keyboard.press("s")
    dialog = page.get_by_role("dialog", name="Snooze pattern")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(f"#{pattern_id}")
    expect(page.locator("#pattern-live .live-state")).to_have_text(
        "Live · paused while a dialog is open"
    )
    # Without a choice: the error shows in the dialog, which stays open.
    dialog.get_by_role("button", name="Snooze").click()
    expect(dialog).to_contain_text("Choose how long")
    dialog.get_by_label("Snooze for").select_option(label="4 hours")
    dialog.get_by_role("button", name="Snooze").click()
    expect(dialog).to_be_hidden()

    row = page.locator(f"#pattern-{pattern_id}")
    expect(row).to_contain_text("Snoozed")
    expect(row).to_have_class("current")
    assert LogPattern.objects.get(pk=pattern_id).status == LogPattern.Status.SNOOZED

    # A live update of another row leaves the current one where it was.
    other = next(
        pattern
        for pattern in LogPattern.objects.exclude(pk=pattern_id)
        if pattern.template.startswith("Modbus")
    )
    ingest(log(other.sample_message), start=100)
    other.refresh_from_db()
    expect(page.locator(f"#pattern-{other.pk} td.num").first).to_have_text(
        str(other.count), timeout=WAIT
    )
    expect(row).to_have_class("current")
    page.keyboard.press("j")
    expect(rows.nth(2)).to_have_class("current")
    assert page.evaluate("window.__noReload === true")

    page.keyboard.press("?")
    help_dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(help_dialog).to_contain_text("on the list, a dialog with the snooze choices")
