"""The coach dashboard in a real browser against a real `attune up`, as coaches use it: log in,
watch an urgent escalation arrive without reloading, read the evidence only while the partner
consents, acknowledge and resolve with notes; and what must not work does not (other coaches,
partners' credentials, forms without their CSRF token). Every read and action is audited once.
"""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    DESKTOP,
    PASSWORD,
    PHONE,
    Attune,
    AuditLedger,
    People,
    Person,
    Screenshots,
    assert_no_horizontal_scroll,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

URGENT = "He's outside the door screaming that he'll kill me tonight, I'm hiding in the bathroom"
ESCALATION_WAIT_MS = 90_000  # the pipeline's reading, then the next 3 s poll of the queue


def open_login_form(page: Any) -> None:
    answer = page.goto("/dashboard/login")
    assert answer is not None and answer.status == 200
    # Served as anything else, a browser shows the page's source instead of a form.
    assert answer.headers["content-type"].startswith("text/html"), answer.headers["content-type"]


def log_in(page: Any, who: Person) -> None:
    """The login form, filled and sent as a person does; lands on the queue."""
    open_login_form(page)
    page.get_by_label("Login name").fill(who.name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/dashboard/queue")
    expect(page.get_by_role("heading", name="Escalation queue")).to_be_visible()


def on_login_page(page: Any) -> None:
    assert page.url.endswith("/dashboard/login"), page.url
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    expect(page.get_by_label("Login name")).to_be_visible()


def set_consent(attune: Attune, partner: Person, allowed: bool) -> None:
    answer = attune.api("PATCH", "/v1/me/consent", partner, json={"coach_can_read_text": allowed})
    assert answer.status_code == 200, answer.text
    assert answer.json()["coach_can_read_text"] is allowed


def focused(page: Any) -> str:
    """The focused element's id or text, after checking that its focus is visible."""
    focus = page.evaluate(
        """() => {
            const el = document.activeElement, style = getComputedStyle(el);
            const box = el.getBoundingClientRect();
            return {name: el.id || el.textContent.trim().replace(/\\s+/g, ' '),
                    visible: el.matches(':focus-visible'),
                    outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0,
                    onScreen: box.right > 0 && box.left < innerWidth && box.width > 0};
        }"""
    )
    assert focus["visible"] and focus["outline"], f"no visible focus on {focus['name']}"
    assert focus["onScreen"], f"{focus['name']} has focus but is off screen"
    return str(focus["name"])


def test_the_login_form_works_by_keyboard_with_visible_focus(
    attune: Attune, people: People, new_page: Any
) -> None:
    ledger = AuditLedger(attune)
    page = new_page()
    open_login_form(page)
    assert focused(page) == "username"  # autofocus: type straight away
    forward = [focused(page)]
    for _ in range(2):
        page.keyboard.press("Tab")
        forward.append(focused(page))
    assert forward == ["username", "password", "Log in"]
    backward = []
    for _ in range(4):
        page.keyboard.press("Shift+Tab")
        backward.append(focused(page))
    assert backward == ["password", "username", "Attune coaches", "Skip to content"]

    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert focused(page) == "username"
    page.keyboard.type(people.coach.name)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/dashboard/queue")
    ledger.expect(people.coach, "login")
    ledger.expect(people.coach, "read_queue")
    ledger.check(people.names())


def test_partners_credentials_never_open_the_dashboard(
    attune: Attune, people: People, new_page: Any
) -> None:
    ledger = AuditLedger(attune)
    pia = people.partner_a
    as_header = new_page(extra_http_headers=pia.bearer)
    as_header.goto("/dashboard/queue")
    on_login_page(as_header)

    as_cookie = new_page()
    as_cookie.context.add_cookies(
        [{"name": "attune_dashboard", "value": pia.token, "url": attune.base_url + "/dashboard"}]
    )
    for path in ("/dashboard/queue", f"/dashboard/couples/{people.couple_id}", "/dashboard/audit"):
        as_cookie.goto(path)
        on_login_page(as_cookie)

    # Nor does the partner's name with a password-looking guess: partners have no login.
    as_cookie.get_by_label("Login name").fill(pia.name)
    as_cookie.get_by_label("Password").fill(pia.token)
    as_cookie.get_by_role("button", name="Log in").click()
    expect(as_cookie.get_by_role("alert")).to_contain_text("do not match")
    ledger.expect(None, "login_failed")
    [failed] = ledger.check(people.names())
    assert failed["actor_role"] == "anonymous" and failed["details"] == {"username": pia.name}


def test_form_posts_without_the_csrf_token_are_refused(
    attune: Attune, people: People, new_page: Any
) -> None:
    ledger = AuditLedger(attune)
    page = new_page()
    page.goto("/dashboard/login")
    # The browser holds the csrftoken cookie; the form field is what is missing.
    refused = page.request.post(
        "/dashboard/login", form={"username": people.coach.name, "password": PASSWORD}
    )
    assert refused.status == 403
    assert "attune_dashboard" not in {c["name"] for c in page.context.cookies()}

    log_in(page, people.coach)
    ledger.expect(people.coach, "login")
    ledger.expect(people.coach, "read_queue")
    assert page.request.post("/dashboard/logout", form={}).status == 403
    session = next(c for c in page.context.cookies() if c["name"] == "attune_dashboard")
    raw = httpx.post(f"{attune.base_url}/dashboard/logout",
                     cookies={"attune_dashboard": session["value"]})  # fmt: skip
    assert raw.status_code == 403
    page.reload()  # still logged in: neither post did anything
    expect(page.get_by_role("heading", name="Escalation queue")).to_be_visible()
    ledger.expect(people.coach, "read_queue")
    ledger.check(people.names())


def test_a_coach_sees_an_urgent_escalation_arrive_and_handles_it(
    attune: Attune, people: People, new_page: Any, screenshots: Screenshots
) -> None:
    ledger = AuditLedger(attune)
    carla, pia = people.coach, people.partner_a
    page = new_page()

    open_login_form(page)
    screenshots.take(page, "login")
    log_in(page, carla)
    ledger.expect(carla, "login")
    ledger.expect(carla, "read_queue")

    # The queue is open before Pia writes; her check-in appears in it without a reload.
    navigations: list[str] = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))
    page.evaluate("window.__sameDocument = 'still here'")
    known = page.locator("tr[data-escalation]").evaluate_all(
        "rows => rows.map(r => r.dataset.escalation)"
    )
    posted = attune.api(
        "POST", "/v1/checkins", pia, json={"text": URGENT, "mood": 1, "connection": 1}
    )
    assert posted.status_code == 202, posted.text
    page.wait_for_function(
        """known => [...document.querySelectorAll('tr[data-escalation][data-severity=urgent]')]
                   .some(r => !known.includes(r.dataset.escalation))""",
        arg=known,
        timeout=ESCALATION_WAIT_MS,
    )
    assert page.evaluate("window.__sameDocument") == "still here", "the page was reloaded"
    assert navigations == [], navigations
    row = page.locator("tr[data-escalation][data-severity=urgent]").first
    escalation_id = row.get_attribute("data-escalation")
    assert escalation_id not in known
    expect(row).to_contain_text("partner violence")
    expect(row).to_contain_text("open")
    assert URGENT[:20] not in page.content()  # the queue never shows a partner's words
    screenshots.take(page, "queue")
    page.set_viewport_size(PHONE)
    assert_no_horizontal_scroll(page)
    page.set_viewport_size(DESKTOP)

    # Opening it: levels and categories, but no quotes while Pia has not consented.
    row.get_by_role("link", name=re.compile("^Open")).click()
    page.wait_for_url(f"**/dashboard/escalations/{escalation_id}")
    ledger.expect(carla, "read_escalation", escalation_id)
    status = page.get_by_test_id("status")
    expect(status).to_have_text("open")
    expect(page.locator("main")).not_to_contain_text("now ago")
    expect(page.locator("#evidence-hidden")).to_be_visible()
    expect(page.locator("#evidence-spans")).to_have_count(0)
    assert "kill me" not in page.content()
    screenshots.take(page, "escalation-no-consent")

    # Forms without their CSRF token change nothing.
    acknowledge_url = f"/dashboard/escalations/{escalation_id}/acknowledge"
    assert page.request.post(acknowledge_url, form={"note": "forged"}).status == 403
    session = next(c for c in page.context.cookies() if c["name"] == "attune_dashboard")
    raw = httpx.post(attune.base_url + acknowledge_url, data={"note": "forged"},
                     cookies={"attune_dashboard": session["value"]})  # fmt: skip
    assert raw.status_code == 403

    # Pia allows her coach to read her words: the next request shows them...
    set_consent(attune, pia, True)
    page.reload()
    ledger.expect(carla, "read_escalation", escalation_id)
    ledger.expect(carla, "read_evidence", escalation_id)
    expect(status).to_have_text("open")  # the forged posts did nothing
    spans = page.locator("#evidence-spans")
    expect(spans).to_be_visible()
    expect(spans).to_contain_text("kill me")
    expect(page.locator("#evidence-hidden")).to_have_count(0)
    screenshots.take(page, "escalation-consent")

    # ...and withdrawing it hides them on the very next request.
    set_consent(attune, pia, False)
    page.reload()
    ledger.expect(carla, "read_escalation", escalation_id)
    expect(page.locator("#evidence-hidden")).to_be_visible()
    expect(page.locator("#evidence-spans")).to_have_count(0)
    set_consent(attune, pia, True)

    # Acknowledge, then resolve, each with a note.
    acknowledge = page.locator("form[action$='/acknowledge']")
    acknowledge.get_by_label("Note with the acknowledgement (optional)").fill(
        "Called Pia; she is safe at her sister's."
    )
    acknowledge.get_by_role("button", name="Acknowledge").click()
    expect(status).to_have_text("acknowledged")
    ledger.expect(carla, "acknowledge", escalation_id)
    ledger.expect(carla, "read_escalation", escalation_id)
    ledger.expect(carla, "read_evidence", escalation_id)
    expect(page.locator("form[action$='/acknowledge']")).to_have_count(0)

    resolve = page.locator("form[action$='/resolve']")
    resolve.get_by_label("Note with the resolution (optional)").fill(
        "Safety plan in place; police report filed."
    )
    resolve.get_by_role("button", name="Resolve").click()
    expect(status).to_have_text("resolved")
    ledger.expect(carla, "resolve", escalation_id)
    ledger.expect(carla, "read_escalation", escalation_id)
    ledger.expect(carla, "read_evidence", escalation_id)
    notes = page.locator("#note-list li")
    expect(notes).to_have_count(2)
    expect(notes.nth(0)).to_contain_text("acknowledge")
    expect(notes.nth(0)).to_contain_text("safe at her sister's")
    expect(notes.nth(1)).to_contain_text("resolve")
    expect(notes.nth(1)).to_contain_text("police report filed")
    expect(page.locator("form[action$='/resolve']")).to_have_count(0)

    # The couple, from the escalation; the couples list from the menu.
    page.get_by_role("link", name="View the couple").click()
    page.wait_for_url(f"**/dashboard/couples/{people.couple_id}")
    ledger.expect(carla, "read_couple", people.couple_id)
    ledger.expect(carla, "read_evidence", people.couple_id)  # Pia's words, with consent
    expect(page.get_by_role("heading", level=1)).to_have_text("pia & ben")
    checkins = page.locator("#checkin-list li[data-checkin]")
    expect(checkins).to_have_count(3)
    urgent = checkins.filter(has_text="hiding in the bathroom")
    expect(urgent.locator(".checkin-text mark").first).to_have_text("he'll kill me")
    bens = checkins.filter(has_text=people.partner_b.name)
    expect(bens).to_contain_text("Text hidden")  # Ben has not consented
    assert "felt closer" not in page.content()
    screenshots.take(page, "couple")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Couples").click()
    page.wait_for_url("**/dashboard/couples")
    expect(page.get_by_role("heading", name="Couples")).to_be_visible()
    expect(page.locator(f"tr[data-couple='{people.couple_id}']")).to_be_visible()
    screenshots.take(page, "couples")

    # Back in the queue, the resolved escalation has left it.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Queue").click()
    page.wait_for_url("**/dashboard/queue")
    ledger.expect(carla, "read_queue")
    expect(page.locator(f"tr[data-escalation='{escalation_id}']")).to_have_count(0)

    # A coach not assigned to the couple: "not found" for the couple and its escalation.
    dora = people.other_coach
    other = new_page()
    log_in(other, dora)
    ledger.expect(dora, "login")
    ledger.expect(dora, "read_queue")
    expect(other.locator("tr[data-escalation]")).to_have_count(0)
    for path in (
        f"/dashboard/couples/{people.couple_id}",
        f"/dashboard/escalations/{escalation_id}",
    ):
        answer = other.goto(path)
        assert answer is not None and answer.status == 404, path
        expect(other.get_by_role("heading", name="Not found")).to_be_visible()
        assert "kill me" not in other.content() and pia.name not in other.content()

    # The admin's audit page shows what Carla did.
    admin = new_page()
    log_in(admin, people.admin)
    ledger.expect(people.admin, "login")
    ledger.expect(people.admin, "read_queue")
    admin.get_by_role("navigation", name="Main").get_by_role("link", name="Audit log").click()
    admin.wait_for_url("**/dashboard/audit")
    ledger.expect(people.admin, "read_audit")
    expect(admin.get_by_role("heading", name="Audit log")).to_be_visible()
    audit_rows = admin.locator("tr[data-audit]")
    expect(audit_rows.filter(has_text="resolve").filter(has_text=carla.name)).to_have_count(1)
    screenshots.take(admin, "audit")

    # Logging out ends the session.
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/dashboard/login")
    ledger.expect(carla, "logout")
    page.goto("/dashboard/queue")
    on_login_page(page)

    rows = ledger.check(people.names())
    assert all(r["ip"] == "127.0.0.1" for r in rows)
    exported = [json.loads(line) for line in attune.cli("audit", "export", "--since", "1h",
                                                        "--json").splitlines()]  # fmt: skip
    assert [(e["id"], e["action"]) for e in exported if e["id"] > ledger.start] == [
        (r["id"], r["action"]) for r in rows
    ]
    assert all("Chrome" in (r["user_agent"] or "") for r in rows if r["action"] != "logout")
    assert len(screenshots.taken) == 14
