#!/usr/bin/env python3
"""Real-browser tests that no typed call is lost or stored twice, in English
and in Japanese (headless Chromium, the same set-up as story.py):

- resubmit via Back: a saved call, Back, Save again -> "already saved" with
  a link to the call, and one row;
- session ended mid-call: the session is signed out in another tab while
  the form is being typed; Save -> the sign-in page, which keeps the form;
  signing in brings the form back as typed, nothing stored until Save;
- the browser's draft: brought back into a fresh form, never holding the
  product key, and cleared once the call is saved.

Usage: tests/browser/drafts.py BINARY   (exit 0: all passed)
"""

import os
import sys
import time

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from story import KEY, Story, main  # noqa: E402

DRAFT = "aj-call-draft"


class Drafts(Story):
    def calls(self):
        """How many calls the journal holds (through the API)."""
        return len(self.api("GET", "/attempts?limit=100")["items"])

    def draft(self):
        return self.driver.execute_script("return window.localStorage.getItem(arguments[0]);", DRAFT)

    def start_call(self, lang, name, notes):
        self.go("/calls/new")
        self.wait.until(EC.presence_of_element_located((By.ID, "call-form")))
        self.choose("machine_id", "new")
        self.type_into("machine.name", name)
        self.choose("license_id", "new")
        self.type_into("license.product", "Windows 8.1")
        self.choose("license.channel", "oem")
        self.type_into("license.product_key", KEY)
        self.choose("trigger", "hardware_change")
        self.type_into("started_at", "2014-05-10T10:05:00+09:00")
        self.choose("result", "activated")
        self.type_into("notes", notes)

    def save(self):
        self.el("button[value=save]").click()

    def saved(self):
        self.wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "[data-call-saved]")))
        return self.driver.current_url

    def resubmit_via_back(self, lang):
        before = self.calls()
        self.start_call(lang, f"PC {lang} back", "saved once")
        self.save()
        url = self.saved().split("?")[0]
        self.check(f"{lang}: the call is saved", self.calls() == before + 1)
        self.driver.back()
        self.wait.until(EC.presence_of_element_located((By.ID, "call-form")))
        self.save()
        self.wait.until(EC.presence_of_element_located((By.ID, "already-saved")))
        self.shot(f"already-saved-{lang}")
        link = self.by_id("stored-link").get_attribute("href")
        self.check(f"{lang}: Back and Save again says already saved, linking to the call", link == url, link)
        self.check(f"{lang}: ...and stores nothing more", self.calls() == before + 1, self.calls())

    def session_ended_mid_call(self, lang):
        before = self.calls()
        notes = f"typed before the session ended ({lang})"
        self.start_call(lang, f"PC {lang} ended", notes)
        form_tab = self.driver.current_window_handle
        self.driver.switch_to.new_window("tab")
        self.go("/sign-out")
        self.el("main form button[type=submit]").click()
        self.wait.until(lambda d: "/sign-in" in d.current_url)
        self.driver.close()
        self.driver.switch_to.window(form_tab)
        self.save()
        self.wait.until(EC.presence_of_element_located((By.ID, "kept-notice")))
        self.shot(f"session-ended-{lang}")
        self.check(f"{lang}: Save after the session ended shows sign-in, saying the form is kept", True)
        self.check(f"{lang}: ...and stores nothing", self.calls() == before)
        field = self.by_id("token")
        field.send_keys(self.token)
        field.send_keys(Keys.ENTER)
        self.wait.until(EC.presence_of_element_located((By.ID, "resumed-notice")))
        self.shot(f"session-resumed-{lang}")
        self.check(f"{lang}: signed in again, the form is back as typed",
                   self.by_id("machine.name").get_attribute("value") == f"PC {lang} ended"
                   and self.by_id("notes").get_attribute("value") == notes
                   and self.by_id("license.product_key").get_attribute("value") == KEY)
        self.check(f"{lang}: ...and nothing is stored before Save", self.calls() == before)
        self.save()
        self.saved()
        self.check(f"{lang}: Save stores it once", self.calls() == before + 1)

    def draft_cleared_after_save(self, lang):
        self.start_call(lang, f"PC {lang} draft", "kept in this browser")
        time.sleep(0.5)
        kept = self.draft() or ""
        self.check(f"{lang}: the browser keeps a draft while typing", f"PC {lang} draft" in kept, kept)
        self.check(f"{lang}: ...without the product key", KEY not in kept)
        self.go("/calls/new")
        self.wait.until(EC.presence_of_element_located((By.ID, "call-form")))
        self.check(f"{lang}: a fresh form brings the draft back",
                   self.by_id("draft-notice").is_displayed()
                   and self.by_id("machine.name").get_attribute("value") == f"PC {lang} draft")
        self.type_into("license.product_key", KEY)
        self.save()
        self.saved()
        self.check(f"{lang}: the draft is cleared once the call is saved", self.draft() is None, self.draft())
        self.go("/calls/new")
        self.wait.until(EC.presence_of_element_located((By.ID, "call-form")))
        self.check(f"{lang}: ...and the next form starts empty",
                   not self.by_id("draft-notice").is_displayed()
                   and self.by_id("machine.name").get_attribute("value") == "")

    def run(self):
        for lang in ["en", "ja"]:
            self.sign_in_as(lang)
            self.resubmit_via_back(lang)
            self.session_ended_mid_call(lang)
            self.draft_cleared_after_save(lang)


if __name__ == "__main__":
    main(Drafts, "browser (drafts)")
