#!/usr/bin/env python3
"""Real-browser tests of the pages on a phone, in English and in Japanese
(headless Chromium, the same set-up as story.py):

- every page (each list, each row's page, each edit form, the archive
  question, archived rows, search, summaries, settings, a case, a call,
  the call form and its refusal, sign-in, sign-out, an error) at 320 and
  390 px: nothing wider than the screen, no text under 11 px, no word
  squeezed to one character a line, and axe-core (injected into the page,
  from node_modules) finds no violation of any impact;
- the call form: Enter (a phone keyboard's "Go") in each field moves to the
  next field and never submits or reloads (a textarea keeps its newline);
  the queue timer and Save stay on the screen while scrolling; adding a
  question keeps the running timer, what was typed and where the page was;
  "Someone answered" moves focus to the first question; "call again"
  carries the Installation ID over; the error summary links to its fields
  and says "choose a PC and a license, or a case"; without script, Enter
  sends nothing and "Add a question" asks the server for the row;
- what to have at hand (the answers given on the license's past calls, its
  photos) on the home page and on the call form fits the screen, and
  choosing another license puts that license's in place without a reload,
  the queue timer running on.

Usage: tests/browser/phone.py BINARY   (exit 0: all passed)
"""

import base64
import json
import os
import re
import struct
import sys
import time
import urllib.parse
import urllib.request
import zlib

from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from story import CID, IID, KEY, ROOT, SHOTS, Story, main  # noqa: E402

AXE = os.path.join(ROOT, "node_modules", "axe-core", "axe.min.js")
WIDTHS = [320, 390]
NEW_CALL = {"en": "Log a call", "ja": "通話を記録"}
NEED_TARGET = {"en": "choose a PC and a license, or a case", "ja": "PC とライセンス、またはケースを選んでください"}

# Measured in the page: how far it is wider than the screen, boxes that
# scroll sideways (a table in a scrolling box), text smaller than 11 px, and words squeezed to one character a line (an element whose
# text of 3+ characters is narrower than two of its characters).
MEASURE = """
const out = {wide: document.documentElement.scrollWidth - window.innerWidth, small: [], squeezed: [], sideways: []};
for (const el of document.querySelectorAll('body *')) {
  const x = getComputedStyle(el).overflowX;
  if ((x === 'auto' || x === 'scroll') && el.scrollWidth > el.clientWidth + 1)
    out.sideways.push(el.tagName + '.' + el.className + ' ' + el.scrollWidth + '>' + el.clientWidth);
}
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
const seen = new Set();
while (walker.nextNode()) {
  const node = walker.currentNode, el = node.parentElement, text = node.textContent.trim();
  if (!text || !el || seen.has(el)) continue;
  seen.add(el);
  const box = el.getBoundingClientRect();
  if (box.width === 0 && box.height === 0) continue;
  const style = getComputedStyle(el);
  if (style.visibility === 'hidden' || el.closest('.visually-hidden, .skip, [hidden]')) continue;
  const size = parseFloat(style.fontSize);
  if (size < 11) out.small.push(el.tagName + ' ' + size + 'px: ' + text.slice(0, 30));
  if ([...text].length >= 3 && box.width < 2 * size && box.height > 3 * size)
    out.squeezed.push(el.tagName + ' ' + Math.round(box.width) + 'px: ' + text.slice(0, 30));
}
return out;
"""


def gone(element):
    """Whether `element`'s page was replaced. Chromium sometimes answers a
    node of the replaced page with "does not belong to the document"
    instead of a stale reference, which selenium's staleness_of does not
    expect; both mean the page is gone."""
    try:
        element.is_enabled()
        return False
    except StaleElementReferenceException:
        return True
    except WebDriverException as e:
        if "does not belong to the document" in str(e):
            return True
        raise

class Phone(Story):
    def seed(self):
        """Two PCs, their hardware changes and licenses, three calls (one
        reached, with questions), a follow-up, and an archived PC: every
        page has something to show, long Japanese words included."""
        long_ja = "リビングルームの古いデスクトップパソコン（マザーボード交換済み）"
        self.pc1 = self.api("POST", "/machines", {"name": "PC 1", "owner": "Ken", "notes": long_ja})["id"]
        self.pc2 = self.api("POST", "/machines", {"name": long_ja, "owner": "Yumi"})["id"]
        self.hc = self.api("POST", f"/machines/{self.pc1}/hardware-changes",
                           {"changed_on": "2014-05-09", "parts_replaced": ["motherboard", "cpu", "memory"],
                            "parts_kept": ["storage"]})["id"]
        self.boxed = self.api("POST", "/licenses", {"product": "Windows 8.1", "edition": "Pro",
                                                    "channel": "retail_box", "box_colour": "blue",
                                                    "purchased_from": "ヨドバシカメラ マルチメディア梅田",
                                                    "product_key": KEY})["id"]
        first = self.api("POST", "/attempts", {
            "machine_id": self.pc1, "license_id": self.boxed, "trigger": "hardware_change",
            "started_at": "2014-05-09T18:02:00+09:00", "method": "phone",
            "phone_number": "0120-801-734", "number_kind": "toll_free", "called_from": "mobile", "country": "JP",
            "ivr_product": "windows", "installation_id": IID.replace(" ", ""), "ivr_result": "not_confirmed",
            "operator_outcome": "unavailable", "result": "not_activated", "failure_reason": "operator_unavailable",
            "notes": long_ja * 3})
        self.attempt, self.case = first["id"], first["case_id"]
        self.api("POST", "/attempts", {
            "machine_id": self.pc1, "license_id": self.boxed, "started_at": "2014-05-10T10:05:00+09:00",
            "method": "phone", "installation_id": IID.replace(" ", ""), "ivr_result": "not_confirmed",
            "operator_outcome": "reached", "wait_seconds": 185, "operator_rating": 4,
            "questions": [{"topic": "installation_id_group", "question": "最初のグループは？", "answer": "5087605"},
                          {"topic": "edition", "question": "エディションは？", "answer": "Pro"}],
            "confirmation_id": CID.replace(" ", ""), "result": "activated"})
        # PC 2 is still waiting: an open case on the start page.
        download = self.api("POST", "/licenses", {"product": "Windows 8.1", "edition": "Pro",
                                                  "channel": "retail_download"})["id"]
        self.api("POST", "/attempts", {
            "machine_id": self.pc2, "license_id": download, "started_at": "2014-05-09T18:15:00+09:00",
            "method": "phone", "operator_outcome": "unavailable", "result": "not_activated",
            "failure_reason": "operator_unavailable",
            "questions": [{"topic": "purchase_site", "question": "どこで購入しましたか？",
                           "answer": "ヨドバシ・ドット・コム（注文番号 0123456789012345 のメール）"},
                          {"topic": "box_colour", "question": "パッケージの色は？"},
                          {"topic": "product_key", "answer": "読み上げた " + KEY}]})
        self.download = download
        self.photo(download, "購入履歴のメール（ヨドバシ・ドット・コム）のスクリーンショット")
        self.api("POST", "/follow-ups", {"machine_id": self.pc1, "text": long_ja + "のドライバーを削除する",
                                         "due_on": "2014-05-17"})
        gone = self.api("POST", "/machines", {"name": "PC 3 (gone)"})["id"]
        self.gone = gone

    def photo(self, license_id, caption):
        """A small PNG attached to a license (the API's upload: the bytes as the body)."""
        def chunk(kind, data):
            return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        rows = b"".join(b"\x00" + bytes([90, 120, 160]) * 32 for _ in range(16))
        png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 32, 16, 8, 2, 0, 0, 0))
               + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
        query = urllib.parse.urlencode({"entity": "license", "entity_id": license_id, "caption": caption})
        req = urllib.request.Request(self.base + "/api/v1/attachments?" + query, data=png, method="POST",
                                     headers={"Authorization": "Bearer " + self.token,
                                              "Content-Type": "application/octet-stream"})
        with urllib.request.urlopen(req) as res:
            return json.loads(res.read())["id"]

    def pages(self):
        """Every page a phone may open: (path, name)."""
        out = [("/", "home"), ("/calls/new", "call-form"), ("/attempts", "attempts"),
               (f"/attempts/{self.attempt}", "attempt"), (f"/cases/{self.case}", "case"),
               ("/machines", "machines"), (f"/machines/{self.pc1}", "machine"), ("/licenses", "licenses"),
               (f"/licenses/{self.boxed}", "license"), ("/follow-ups", "follow-ups"),
               ("/archived", "archived"), ("/search?q=operator", "search"), ("/search?q=PC", "search-hits"),
               ("/summaries", "summaries"), ("/settings", "settings"), ("/sign-out", "sign-out"),
               (f"/machines/{self.pc1}/archive", "archive-question"), ("/attempts/99999", "not-found"),
               (f"/calls/new?machine_id={self.pc2}&license_id={self.download}", "call-form-at-hand")]
        for kind, id_ in [("machines", self.pc1), ("hardware-changes", self.hc), ("licenses", self.boxed),
                          ("cases", self.case), ("attempts", self.attempt), ("follow-ups", 1)]:
            out.append((f"/{kind}/{id_}/edit", f"edit-{kind}"))
        return out

    def shot(self, name):
        """The whole page, not only the screen's worth (a phone's page is long)."""
        size = self.driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
        png = self.driver.execute_cdp_cmd("Page.captureScreenshot", {
            "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": size["width"], "height": min(size["height"], 6000), "scale": 1}})
        with open(os.path.join(SHOTS, name + ".png"), "wb") as f:
            f.write(base64.b64decode(png["data"]))

    def phone(self, width):
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                    {"width": width, "height": 720, "deviceScaleFactor": 1, "mobile": True})

    def go_lang(self, path, lang):
        self.go(path + ("&" if "?" in path else "?") + "lang=" + lang)

    def axe(self):
        if not self.driver.execute_script("return !!window.axe"):
            with open(AXE, encoding="utf-8") as f:
                self.driver.execute_script(f.read())
        return self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document, {resultTypes: ['violations']})"
            ".then(r => done(r.violations.map(v => v.impact + ' ' + v.id + ': ' +"
            " v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))))"
            ".catch(e => done(['axe failed: ' + e]));")

    def inspect(self, what, shot=None):
        """Measure the page open now; a failure is kept, and said with all
        the others at the end of the language (`every_page`)."""
        m = self.driver.execute_script(MEASURE)
        violations = self.axe()
        for ok, check, detail in [
            (m["wide"] <= 0, "fits the screen", f"{m['wide']} px too wide"),
            (not m["sideways"], "nothing scrolls sideways", "; ".join(m["sideways"][:5])),
            (not m["small"], "no text under 11 px", "; ".join(m["small"][:5])),
            (not m["squeezed"], "no word squeezed to a character a line", "; ".join(m["squeezed"][:5])),
            (not violations, "axe-core finds nothing", "\n    ".join(violations)),
        ]:
            if ok:
                self.passed += 1
            else:
                self.failed.append(f"{what}: {check}: {detail}")
                print(f"not ok - {what}: {check}: {detail}")
        if shot:
            self.shot(shot)

    def every_page(self, lang):
        self.failed = []
        for width in WIDTHS:
            self.phone(width)
            for path, name in self.pages():
                self.go_lang(path, lang)
                self.inspect(f"{lang} {width} px {path}", f"phone-{width}-{lang}-{name}" if width == 390 else None)
            # The call form refused (nothing chosen): its error summary.
            self.fresh_form(lang)
            self.el("button[value=save]").click()
            self.wait.until(EC.presence_of_element_located((By.ID, "form-errors")))
            self.inspect(f"{lang} {width} px the refused call form",
                         f"phone-{width}-{lang}-call-refused" if width == 390 else None)
        self.error_summary(lang)
        self.phone(390)
        self.driver.delete_all_cookies()
        self.go_lang("/sign-in", lang)
        self.inspect(f"{lang} 390 px /sign-in", f"phone-390-{lang}-sign-in")
        self.phone(320)
        self.go_lang("/sign-in", lang)
        self.inspect(f"{lang} 320 px /sign-in")
        self.sign_in_as(lang)
        self.check(f"{lang}: every page fits a phone and axe-core finds nothing", not self.failed,
                   f"{len(self.failed)} failures:\n" + "\n".join(self.failed))

    def open_case_row(self, lang):
        """The home page's open case with a suggested time (an operator was
        reached at 10:05 on PC 1's call): each of its values a line of the
        card, and "Log a call" as wide as the card, not squeezed beside them."""
        for width in WIDTHS:
            self.phone(width)
            self.go_lang("/", lang)
            cells = self.driver.execute_script("""
                return [...document.querySelectorAll('#open-cases tbody tr:first-child td')].map(td => {
                  const a = td.querySelector('a'), box = (a || td).getBoundingClientRect();
                  return {text: td.innerText, width: Math.round(td.getBoundingClientRect().width),
                          link: a ? Math.round(box.width) : 0, lines: a ? a.getClientRects().length : 0};
                });""")
            said = json.dumps(cells, ensure_ascii=False)
            self.check(f"{lang} {width} px: the open case shows a suggested time",
                       any(re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d", c["text"]) for c in cells), said)
            call = cells[-1] if cells else {"width": 0, "link": 0, "lines": 0}
            self.check(f"{lang} {width} px: \"{NEW_CALL[lang]}\" has the card's width and one line",
                       call["width"] >= width - 60 and call["lines"] == 1 and call["link"] >= 60, said)

    def error_summary(self, lang):
        links = {a.get_attribute("href").split("#")[-1]: a.text
                 for a in self.driver.find_elements(By.CSS_SELECTOR, "#form-errors a")}
        self.check(f"{lang}: the error summary says what is missing in plain words",
                   any(NEED_TARGET[lang] in t for t in links.values()), json.dumps(links, ensure_ascii=False))
        self.check(f"{lang}: ...linking to the PC field", "machine_id" in links, json.dumps(links))
        for anchor in links:
            self.check(f"{lang}: the summary's link #{anchor} names a field on the page",
                       bool(self.driver.find_elements(By.ID, anchor)), anchor)

    # -- the call form ---------------------------------------------------------

    def fresh_form(self, lang):
        """The call form with no draft of an earlier test brought back into it."""
        self.go_lang("/calls/new", lang)
        self.driver.execute_script("localStorage.clear()")
        self.go_lang("/calls/new", lang)
        self.driver.execute_script("window.__same_page = 1")

    def same_page(self):
        return self.driver.execute_script("return window.__same_page === 1")

    def enter_in_each_field(self, lang):
        self.phone(390)
        self.fresh_form(lang)
        self.choose("machine_id", "new")
        self.choose("license_id", "new")
        fields = self.driver.execute_script(
            "return Array.from(document.getElementById('call-form').elements)"
            ".filter(e => e.id && !e.disabled && e.type !== 'hidden' && e.offsetParent !== null"
            " && /^(INPUT|SELECT|TEXTAREA)$/.test(e.tagName)).map(e => e.id)")
        self.check(f"{lang}: the call form has its fields", len(fields) > 25, len(fields))
        for id_ in fields:
            field = self.by_id(id_)
            self.driver.execute_script("arguments[0].focus()", field)
            before = field.get_attribute("value")
            field.send_keys(Keys.ENTER)
            time.sleep(0.05)
            self.check(f"{lang}: Enter in {id_} neither submits nor reloads",
                       self.same_page() and "/calls/new" in self.driver.current_url)
            now = self.driver.switch_to.active_element.get_attribute("id")
            if field.tag_name == "textarea":
                after = field.get_attribute("value")
                self.check(f"{lang}: Enter in {id_} keeps its newline", after == before + "\n", repr(after))
            else:
                self.check(f"{lang}: Enter in {id_} moves on to the next field", now and now != id_, now)
                hidden = self.driver.execute_script(
                    "const f = document.activeElement.getBoundingClientRect();"
                    "const bar = document.querySelector('.callbar').getBoundingClientRect();"
                    "return f.bottom > bar.top + 1 && document.activeElement.closest('.callbar') === null")
                self.check(f"{lang}: ...which is not hidden under the bar", not hidden, now)

    def timer_and_questions(self, lang):
        self.phone(390)
        self.fresh_form(lang)
        self.choose("operator_outcome", "reached")
        self.by_id("timer-start").click()
        self.type_into("questions[0].question", "最初のグループは？")
        save = self.el("button[value=save]")
        for y in [0, 800, 1600, 2400, 99999]:
            self.driver.execute_script(f"window.scrollTo(0, {y})")
            shown = self.driver.execute_script(
                "const a = arguments[0].getBoundingClientRect(), b = arguments[1].getBoundingClientRect();"
                "return [a.top >= 0 && a.bottom <= innerHeight, b.top >= 0 && b.bottom <= innerHeight]",
                save, self.by_id("timer-shown"))
            self.check(f"{lang}: scrolled to {y}, Save and the queue timer are on the screen", all(shown),
                       str(shown))
        more = self.el("button[value=more]")
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", more)
        y = self.driver.execute_script("return scrollY")
        rows = len(self.driver.find_elements(By.CSS_SELECTOR, "#questions .qrow"))
        time.sleep(1.1)
        more.click()
        time.sleep(0.3)
        self.check(f"{lang}: adding a question adds a row", len(
            self.driver.find_elements(By.CSS_SELECTOR, "#questions .qrow")) == rows + 1)
        self.check(f"{lang}: ...in place (the page is not sent)", self.same_page())
        self.check(f"{lang}: ...keeping what was typed",
                   self.by_id("questions[0].question").get_attribute("value") == "最初のグループは？")
        self.check(f"{lang}: ...and where the page was", abs(self.driver.execute_script("return scrollY") - y) < 2)
        new = self.by_id(f"questions[{rows}].topic")
        self.check(f"{lang}: ...and focus is in the new row", self.driver.switch_to.active_element == new)
        self.check(f"{lang}: ...with the timer still running", self.by_id("timer-stop").is_enabled()
                   and int(self.by_id("wait_seconds").get_attribute("value") or "0") >= 1)
        self.by_id("timer-stop").click()
        focused = self.driver.switch_to.active_element.get_attribute("id")
        self.check(f"{lang}: \"someone answered\" moves focus to the first question", focused == "questions[0].topic",
                   focused)
        self.shot(f"phone-390-{lang}-call-timer")
        # The added row is in the draft kept in this browser, and comes back.
        self.type_into(f"questions[{rows}].question", "箱の色は？")
        time.sleep(0.5)
        self.go_lang("/calls/new", lang)
        kept = self.driver.find_elements(By.ID, f"questions[{rows}].question")
        self.check(f"{lang}: the draft brings back the added row as typed",
                   kept and kept[0].get_attribute("value") == "箱の色は？")
        self.driver.execute_script("localStorage.clear()")

    def without_script(self, lang):
        """Without script, Enter sends nothing (the form's first submit
        button is a disabled one) and "Add a question" asks the server."""
        self.fresh_form(lang)
        self.driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
        try:
            self.go_lang("/calls/new", lang)
            self.type_into("questions[0].question", "最初のグループは？")
            page = self.el("html")
            self.by_id("questions[0].question").send_keys(Keys.ENTER)
            time.sleep(0.5)
            self.check(f"{lang}: without script, Enter in a field sends nothing", not gone(page))
            rows = len(self.driver.find_elements(By.CSS_SELECTOR, "#questions .qrow"))
            more = self.el("button[value=more]")
            self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", more)
            more.click()
            self.wait.until(lambda _d: gone(page))
            self.check(f"{lang}: without script, \"add a question\" adds a row through the server",
                       len(self.driver.find_elements(By.CSS_SELECTOR, "#questions .qrow")) == rows + 1)
            self.check(f"{lang}: ...keeping what was typed",
                       self.by_id("questions[0].question").get_attribute("value") == "最初のグループは？")
        finally:
            self.driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})

    def at_hand_in_place(self, lang):
        """Choosing a license puts what to have at hand for it in place:
        no reload, the timer running on, the key never in full."""
        self.phone(320)
        self.fresh_form(lang)
        self.by_id("timer-start").click()
        self.check(f"{lang}: no license chosen, nothing at hand yet",
                   not self.driver.find_elements(By.CSS_SELECTOR, "#at-hand .at-hand"))
        self.choose("license_id", str(self.download))
        self.wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, f"#at-hand-{self.download}")))
        block = self.el(f"#at-hand-{self.download}")
        text = block.text
        self.check(f"{lang}: choosing a license shows what was answered on its calls", "ヨドバシ" in text, text)
        self.check(f"{lang}: ...with its photo", bool(block.find_elements(By.CSS_SELECTOR, "ul.files img")))
        self.check(f"{lang}: ...and the key only masked", "9D6T9" in text and KEY not in text, text)
        self.check(f"{lang}: ...in place (the page is not sent)", self.same_page())
        self.inspect(f"{lang} 320 px the call form with what to have at hand",
                     f"phone-320-{lang}-call-at-hand")
        self.choose("license_id", str(self.boxed))
        self.wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, f"#at-hand-{self.boxed}")))
        self.check(f"{lang}: another license's block replaces it",
                   not self.driver.find_elements(By.CSS_SELECTOR, f"#at-hand-{self.download}"))
        self.choose("license_id", "new")
        self.wait.until(lambda d: not d.find_elements(By.CSS_SELECTOR, "#at-hand .at-hand"))
        self.check(f"{lang}: ...and a new license has none, the timer still running, the page the same",
                   self.same_page() and self.by_id("timer-stop").is_enabled())
        self.by_id("timer-stop").click()
        self.driver.execute_script("localStorage.clear()")

    def call_again(self, lang):
        self.go_lang(f"/attempts/{self.attempt}", lang)
        self.driver.execute_script("localStorage.clear()")
        self.el("a[href*='/calls/new?']").click()
        self.wait.until(EC.presence_of_element_located((By.ID, "installation_id")))
        iid = self.by_id("installation_id").get_attribute("value")
        self.check(f"{lang}: call again carries the Installation ID over",
                   iid.replace("-", "").replace(" ", "") == IID.replace(" ", ""), iid)

    def run(self):
        self.seed()
        self.sign_in_as("en")
        # The archived PC, archived from its page.
        self.go(f"/machines/{self.gone}/archive")
        self.by_id("archive-confirm").click()
        self.wait.until(lambda d: "/archived" in d.current_url)
        for lang in ["en", "ja"]:
            self.every_page(lang)
            self.open_case_row(lang)
            self.enter_in_each_field(lang)
            self.timer_and_questions(lang)
            self.call_again(lang)
            self.at_hand_in_place(lang)
            self.without_script(lang)


if __name__ == "__main__":
    main(Phone, "browser (phone)")
