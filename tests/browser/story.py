#!/usr/bin/env python3
"""Real-browser tests of the web pages: Debian's Chromium, headless, driven
through Debian's chromedriver by selenium (nothing downloads a browser).

The story of the README, typed into /calls/new as a person would: sign in
(pressing Enter), log the four calls (group 7 of the Installation ID
mistyped, flagged live in the aria-live region, then fixed; the queue timer
run for a few seconds), read /summaries and check the story's numbers on
the page, switch to Japanese, and add a follow-up using the keyboard only.
A screenshot of every page is saved under target/screenshots/.

Usage: tests/browser/story.py BINARY   (exit 0: all passed)
"""

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.ui import WebDriverWait

IID = "5087605 8345036 7066786 5582230 3473234 4271525 4575744 9972744 4472481"
GROUP7_BAD = "4575754"
CID = "109062 530373 462923 856922 378004 297663 022353"
KEY = "GCRJD-8NW9H-F2CDX-CCM8D-9D6T9"
DLV = """Name: Windows(R), Professional edition
Description: Windows(R) Operating System, RETAIL channel
Partial Product Key: 9D6T9
License Status: Notification
"""
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHOTS = os.path.join(ROOT, "target", "screenshots")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Story:
    def __init__(self, binary):
        self.dir = tempfile.mkdtemp(prefix="aj-browser-")
        self.db = os.path.join(self.dir, "journal.db")
        self.binary = binary
        subprocess.run([binary, "--db", self.db, "migrate"], check=True, capture_output=True)
        self.token = subprocess.run(
            [binary, "--db", self.db, "token", "create", "--name", "browser", "--scope", "write"],
            check=True, capture_output=True, text=True,
        ).stdout.strip()
        port = free_port()
        self.base = f"http://127.0.0.1:{port}"
        self.log = open(os.path.join(self.dir, "serve.log"), "w")
        self.server = subprocess.Popen(
            [binary, "--db", self.db, "serve", "--bind", f"127.0.0.1:{port}"], stdout=self.log, stderr=self.log,
            # The household of the story is in Tokyo, whatever this machine's zone.
            env=dict(os.environ, ACTIVATION_JOURNAL_TIME_ZONE="Asia/Tokyo"),
        )
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        options = webdriver.ChromeOptions()
        options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
        for arg in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1400",
                    "--lang=en-US", "--disable-gpu"]:
            options.add_argument(arg)
        options.add_experimental_option("prefs", {"intl.accept_languages": "en-US,en"})
        service = Service(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver")
        self.driver = webdriver.Chrome(service=service, options=options)
        self.wait = WebDriverWait(self.driver, 10)
        os.makedirs(SHOTS, exist_ok=True)
        self.passed = 0

    def close(self):
        try:
            self.driver.quit()
        finally:
            self.server.terminate()
            self.server.wait(10)
            self.log.close()
            shutil.rmtree(self.dir, ignore_errors=True)

    # -- helpers -----------------------------------------------------------

    def go(self, path):
        self.driver.get(self.base + path)

    def shot(self, name):
        self.driver.save_screenshot(os.path.join(SHOTS, name + ".png"))

    def el(self, css):
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def by_id(self, id_):
        return self.driver.find_element(By.ID, id_)

    def type_into(self, id_, text, clear=True):
        field = self.by_id(id_)
        if clear:
            field.clear()
        field.send_keys(text)
        return field

    def choose(self, id_, value):
        Select(self.by_id(id_)).select_by_value(value)

    def api(self, method, path, body=None):
        """A JSON API request with this story's token; a refusal fails with its answer."""
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + "/api/v1" + path, data=data, method=method,
                                     headers={"Authorization": "Bearer " + self.token,
                                              "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req) as res:
                text = res.read()
                return json.loads(text) if text else None
        except urllib.error.HTTPError as e:
            raise AssertionError(f"{method} {path}: {e.code} {e.read().decode()}") from None

    def sign_in_as(self, lang):
        """Sign in from the sign-in page in `lang`, pressing Enter."""
        self.go(f"/sign-in?lang={lang}")
        field = self.by_id("token")
        field.send_keys(self.token)
        field.send_keys(Keys.ENTER)
        self.wait.until(lambda d: "/sign-in" not in d.current_url)

    def h1(self):
        return self.el("h1").text

    def check(self, what, ok, detail=""):
        if not ok:
            self.shot("FAILED-" + re.sub(r"\W+", "-", what))
            raise AssertionError(f"{what}: {detail}")
        self.passed += 1
        print(f"ok - {what}")

    def live(self, id_, text):
        """Wait until the aria-live region of `id_` says `text`."""
        try:
            self.wait.until(EC.text_to_be_present_in_element((By.ID, id_ + "-live"), text))
            return True
        except TimeoutException:
            return False

    # -- the story ---------------------------------------------------------

    def sign_in(self):
        self.go("/")
        self.check("a browser without a session is sent to the sign-in page", "/sign-in" in self.driver.current_url)
        self.check("the sign-in page says so", self.h1() == "Sign in", self.h1())
        self.shot("sign-in")
        field = self.by_id("token")
        field.send_keys(self.token)
        field.send_keys(Keys.ENTER)  # submitted from the keyboard
        self.wait.until(EC.text_to_be_present_in_element((By.TAG_NAME, "h1"), "Before you call"))
        self.check("signing in with Enter leads back to the start page", self.h1() == "Before you call")

    def log_call(self, n, machine, license_, started, iid_typo, outcome, wait=None, timer=0.0, questions=(),
                 cid=None, result="not_activated", reason=None, notes=""):
        self.go("/calls/new")
        self.check(f"call {n}: the form opens", self.h1() == "Log a call")
        if isinstance(machine, str):
            self.choose("machine_id", "new")
            self.type_into("machine.name", machine)
        else:
            self.choose("machine_id", str(machine))
        if isinstance(license_, dict):
            self.choose("license_id", "new")
            pasted = license_.pop("slmgr", None)
            if pasted:
                self.by_id("slmgr").send_keys(pasted)
                self.el("button[value=fill]").click()
                self.wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "p.note")))
                edition = self.by_id("license.edition").get_attribute("value")
                self.check(f"call {n}: pasted slmgr /dlv output fills in the license", edition == "Professional",
                           edition)
                self.check(f"call {n}: the PC typed before the paste is kept",
                           self.by_id("machine.name").get_attribute("value") == machine)
            for name, value in license_.items():
                if name == "channel":
                    self.choose("license.channel", value)
                else:
                    self.type_into("license." + name, value)
            self.choose("trigger", "hardware_change")
        else:
            self.choose("license_id", str(license_))
        self.type_into("started_at", started)
        # The number dialled, typed as a Japanese keyboard types it.
        self.type_into("phone_number", "０１２０ー８０１ー７３４")
        self.choose("number_kind", "toll_free")
        self.choose("called_from", "mobile")
        self.type_into("country", "JP")
        self.choose("ivr_product", "windows")
        groups = IID.split()
        if iid_typo:
            typed = groups[:6] + [GROUP7_BAD]
            self.type_into("installation_id", " ".join(typed) + " ")
            flagged = self.live("installation_id", "group 7 does not check")
            self.check(f"call {n}: a mistyped group 7 is flagged live before anything is sent", flagged,
                       self.by_id("installation_id-live").text)
            bad = self.driver.find_elements(By.CSS_SELECTOR, "#installation_id-groups li.bad")
            self.check(f"call {n}: group 7 is marked", [b.get_attribute("data-group") for b in bad] == ["7"])
            if n == 1:
                self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", self.by_id("installation_id"))
                self.shot("call-group-7-flagged")
            field = self.by_id("installation_id")
            for _ in range(len(GROUP7_BAD) + 1):
                field.send_keys(Keys.BACKSPACE)
            field.send_keys(groups[6] + " " + " ".join(groups[7:]))
        elif n == 2:
            # What `slmgr /dti` prints, pasted whole: the ID alone is kept, in groups.
            self.type_into("installation_id", "Installation ID: " + "".join(groups))
            self.wait.until(lambda d: d.find_element(By.ID, "installation_id").get_attribute("value") == "-".join(groups))
            self.check(f"call {n}: pasted slmgr /dti output becomes the ID in groups", True)
        else:
            self.type_into("installation_id", " ".join(groups))
        self.check(f"call {n}: the corrected ID checks", self.live("installation_id", "✓"),
                   self.by_id("installation_id-live").text)
        self.choose("ivr_result", "not_confirmed")
        self.choose("operator_outcome", outcome)
        if timer:
            self.by_id("timer-start").click()
            time.sleep(timer)
            self.by_id("timer-stop").click()
            shown = int(self.by_id("wait_seconds").get_attribute("value") or "0")
            self.check(f"call {n}: the queue timer filled wait_seconds", shown >= int(timer), str(shown))
        if wait is not None:
            self.type_into("wait_seconds", str(wait))
        for i, (topic, question, answer) in enumerate(questions):
            if i >= 3:
                self.el("button[value=more]").click()
            self.choose(f"questions[{i}].topic", topic)
            self.type_into(f"questions[{i}].question", question)
            if answer:
                self.type_into(f"questions[{i}].answer", answer)
        if cid:
            self.type_into("confirmation_id", cid)
            self.check(f"call {n}: the Confirmation ID checks as typed", self.live("confirmation_id", "✓"))
        self.choose("result", result)
        if reason:
            self.choose("failure_reason", reason)
        if notes:
            self.type_into("notes", notes)
        if n == 3:
            self.shot("call-form")
        self.el("button[value=save]").click()
        # The call form holds a (hidden) p.saved of its own, the draft's
        # notice: wait for the call's page, then for its notice.
        self.wait.until(lambda d: "/attempts/" in d.current_url)
        self.wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, "p.saved")))
        self.check(f"call {n}: saved", "/attempts/" in self.driver.current_url, self.driver.current_url)
        facts = self.driver.find_element(By.TAG_NAME, "main").text
        self.check(f"call {n}: the number dialled is shown as 0120-801-734", "0120-801-734" in facts)
        return int(re.search(r"/attempts/(\d+)", self.driver.current_url).group(1))

    def run(self):
        self.story()

    def story(self):
        self.sign_in()
        # Day 1, 18:00: no operator can take the call, for either PC.
        self.log_call(1, "PC 1", {"product": "Windows 8.1", "edition": "Pro", "channel": "retail_box",
                                  "box_colour": "blue"},
                      "2014-05-09T18:00:00+09:00", True, "unavailable", reason="operator_unavailable")
        self.log_call(2, "PC 2", {"slmgr": DLV, "product": "Windows 8.1", "channel": "retail_download",
                                  "product_key": KEY},
                      "2014-05-09T18:05:00+09:00", False, "unavailable", reason="operator_unavailable")
        # Day 2: PC 1 reaches an operator at once; PC 2 waits three minutes.
        self.log_call(3, 1, 1, "2014-05-10T10:05:00+09:00", True, "reached", timer=2.2,
                      questions=[("installation_id_group", "First group?", "5087605"),
                                 ("edition", "Which edition?", "Pro"),
                                 ("purchase_type", "Download or box?", "box"),
                                 ("box_colour", "Colour of the box?", "blue")],
                      cid=CID, result="activated")
        self.log_call(4, 2, 2, "2014-05-10T10:20:00+09:00", False, "reached", timer=1.2, wait=180,
                      questions=[("purchase_site", "Which site was it bought from?", "do not know"),
                                 ("product_key", "The product key?", KEY)],
                      cid=CID, result="activated", notes="rude operator")
        self.shot("attempt")

        self.go("/summaries")
        values = {e.get_attribute("data-k"): e.text for e in self.driver.find_elements(By.CSS_SELECTOR, "[data-k]")}
        for key, want in [("attempts", "4"), ("activated_attempts", "2"), ("cases_activated", "2"),
                          ("cases_open", "0"), ("activation_rate", "50 %"), ("operator_unavailable_rate", "50 %"),
                          ("cases_retried", "2"), ("next_day_retries", "2"), ("count", "2")]:
            self.check(f"summaries: {key} is {want}", values.get(key) == want, f"{values.get(key)!r}")
        self.check("summaries: the best hour is 10:00", self.by_id("best-hours").text == "10:00",
                   self.by_id("best-hours").text)
        self.check("summaries: four SVG charts", len(self.driver.find_elements(By.CSS_SELECTOR, "figure.chart svg")) == 4)
        self.shot("summaries")

        for path, name in [("/", "home"), ("/attempts", "journal"), ("/machines/1", "machine-timeline"),
                           ("/licenses", "licenses"), ("/search?q=operator", "search"), ("/cases/1", "case")]:
            self.go(path)
            self.check(f"{path} opens", self.driver.find_element(By.TAG_NAME, "h1").text != "")
            self.shot(name)

        # Switch to Japanese with the link on the page; it is remembered.
        self.go("/summaries")
        self.driver.find_element(By.CSS_SELECTOR, ".langs a[href$='lang=ja']").click()
        self.wait.until(EC.text_to_be_present_in_element((By.TAG_NAME, "h1"), "集計"))
        self.check("the Japanese link switches the page", self.h1() == "集計")
        self.shot("summaries-ja")
        self.go("/calls/new")
        self.check("Japanese is remembered", self.h1() == "通話を記録", self.h1())
        self.type_into("installation_id", " ".join(IID.split()[:6] + [GROUP7_BAD]) + " ")
        self.check("the live check speaks Japanese", self.live("installation_id", "7 番目のグループが正しくありません"),
                   self.by_id("installation_id-live").text)
        self.shot("call-form-ja")
        self.go("/")
        self.shot("home-ja")

        # On a phone's screen: nothing wider than the screen.
        self.driver.set_window_size(390, 844)
        for path, name in [("/calls/new?lang=en", "call-form-phone"), ("/summaries", "summaries-phone"), ("/", None)]:
            self.go(path)
            wide = self.driver.execute_script(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth")
            self.check(f"{path} fits a phone's width", wide <= 1, f"{wide} px too wide")
            if name:
                self.shot(name)
        self.driver.set_window_size(1280, 1400)

        # A follow-up added with the keyboard alone.
        self.go("/follow-ups?lang=en")
        # Tab from the top of the page (a click could land on a label and
        # focus a field part of the way down).
        self.driver.execute_script("document.activeElement && document.activeElement.blur()")
        reached = None
        for _ in range(80):
            self.driver.switch_to.active_element.send_keys(Keys.TAB)
            reached = self.driver.switch_to.active_element.get_attribute("id")
            if reached == "machine_id":
                self.driver.switch_to.active_element.send_keys(Keys.ARROW_DOWN)
            if reached == "text":
                break
        self.check("the follow-up's text field is reached with Tab", reached == "text", str(reached))
        active = self.driver.switch_to.active_element
        active.send_keys("remove the old motherboard's drivers")
        active.send_keys(Keys.ENTER)
        self.wait.until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, "main"), "remove the old motherboard"))
        rows = self.driver.find_elements(By.CSS_SELECTOR, "tbody tr")
        self.check("the keyboard-only form stored the follow-up",
                   any("remove the old motherboard's drivers" in r.text for r in rows))
        self.shot("follow-ups")


def main(kind=None, name="browser"):
    """Run `kind` (a Story; its `run`) against the binary named on the command line."""
    binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target", "debug", "activation-journal")
    story = (kind or Story)(binary)
    try:
        story.run()
    finally:
        story.close()
    print(f"{name}: {story.passed} checks passed; screenshots in {SHOTS}")


if __name__ == "__main__":
    main()
