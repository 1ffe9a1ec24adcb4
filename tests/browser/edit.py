#!/usr/bin/env python3
"""Real-browser tests of correcting a row in the pages, in English and in
Japanese, at a phone's width (390 px), in headless Chromium (the same
set-up as story.py):

- edit: a PC's edit form, changed and saved, lands on its page;
- conflict: the row changed in another window meanwhile -> both values
  shown, field by field; taking the stored one saves it;
- archive + undo: archiving asks first, then offers "undo", which brings
  the row back.

Usage: tests/browser/edit.py BINARY   (exit 0: all passed)
"""

import os
import sys

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from story import Story, main  # noqa: E402


class Edit(Story):
    def fits(self, lang, what):
        width = self.driver.execute_script("return document.documentElement.scrollWidth;")
        self.check(f"{lang}: {what} fits 390 px without sideways scrolling", width <= 390, width)

    def edit_then_conflict_then_archive(self, lang):
        m = self.api("POST", "/machines", {"name": f"PC {lang}"})["id"]
        self.go(f"/machines/{m}")
        self.el(f"a[href='/machines/{m}/edit']").click()
        self.wait.until(EC.presence_of_element_located((By.ID, "owner")))
        self.fits(lang, "the edit form")
        self.shot(f"edit-{lang}")
        self.type_into("owner", "Ken")
        self.el("form.card button.primary").click()
        self.wait.until(lambda d: d.current_url.endswith(f"/machines/{m}"))
        self.check(f"{lang}: the edit is saved and lands on the PC's page", "Ken" in self.el("p.lead").text,
                   self.el("p.lead").text)

        # Changed in another window while this form is open.
        self.go(f"/machines/{m}/edit")
        self.type_into("owner", "Mine")
        self.api("PATCH", f"/machines/{m}", {"owner": "Theirs"})
        self.el("form.card button.primary").click()
        self.wait.until(EC.presence_of_element_located((By.ID, "changed-meanwhile")))
        self.check(f"{lang}: the conflict shows the value now stored",
                   self.el("#owner .stored").text == "Theirs", self.el("#owner .stored").text)
        self.check(f"{lang}: ...and the value typed", self.el("#owner .typed").text == "Mine")
        self.fits(lang, "the conflict screen")
        self.shot(f"edit-conflict-{lang}")
        self.by_id("owner-stored").click()
        self.el("form.card button.primary").click()
        self.wait.until(lambda d: d.current_url.endswith(f"/machines/{m}"))
        owner = self.api("GET", f"/machines/{m}")["owner"]
        self.check(f"{lang}: taking the stored value saves it", owner == "Theirs", owner)

        # Archive asks first, then offers undo.
        self.el(f"a[href='/machines/{m}/archive']").click()
        self.wait.until(EC.presence_of_element_located((By.ID, "archive-confirm")))
        self.fits(lang, "the archive question")
        self.by_id("archive-confirm").click()
        self.wait.until(EC.presence_of_element_located((By.ID, "undo")))
        self.check(f"{lang}: archiving offers undo", f"PC {lang}" in self.by_id("undo").text, self.by_id("undo").text)
        self.shot(f"archived-undo-{lang}")
        self.el("#undo button").click()
        self.wait.until(lambda d: d.current_url.endswith(f"/machines/{m}"))
        back = self.api("GET", f"/machines/{m}")["archived_at"]
        self.check(f"{lang}: undo brings the PC back", back is None, back)

    def run(self):
        self.driver.set_window_size(390, 844)
        for lang in ["en", "ja"]:
            self.sign_in_as(lang)
            self.edit_then_conflict_then_archive(lang)


if __name__ == "__main__":
    main(Edit, "browser (edit)")
