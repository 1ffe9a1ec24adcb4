"""Validate a live /calendar.ics with parsers no one here wrote (icalendar, vobject).

Usage: check.py BASE WRITE_TOKEN CALENDAR_TOKEN ZONE OFFSET
Records a call that reached an operator at 10:05 local time, an open case and
a follow-up, then checks the feed: it parses with both libraries, holds the
follow-up all day on its date and the open case's call at 10:00 in ZONE,
30 minutes, with a reminder.
"""
import datetime as dt
import json
import sys
import urllib.request
from zoneinfo import ZoneInfo

import icalendar
import vobject

base, write, cal, zone, offset = sys.argv[1:6]


def api(method, path, body=None):
    req = urllib.request.Request(base + path, method=method, data=json.dumps(body).encode() if body else None,
                                 headers={"Authorization": "Bearer " + write, "Content-Type": "application/json"})
    with urllib.request.urlopen(req) as res:
        return json.load(res)


pc1 = api("POST", "/api/v1/machines", {"name": "PC 1"})["id"]
pc2 = api("POST", "/api/v1/machines", {"name": "PC 2; study, upstairs"})["id"]
lic = api("POST", "/api/v1/licenses", {"product": "Windows 8.1", "edition": "Pro", "channel": "retail_box"})["id"]
api("POST", "/api/v1/attempts", {"machine_id": pc1, "license_id": lic, "started_at": f"2026-01-10T10:05:00{offset}",
                                 "operator_outcome": "reached", "result": "activated"})
case = api("POST", "/api/v1/cases", {"machine_id": pc2, "license_id": lic})["id"]
due = dt.date.today() + dt.timedelta(days=5)
fu = api("POST", "/api/v1/follow-ups", {"machine_id": pc2, "text": "Ask the shop, which site; box colour\\edition " * 3,
                                        "due_on": due.isoformat()})["id"]

with urllib.request.urlopen(f"{base}/calendar.ics?token={cal}&lang=ja") as res:
    assert res.headers["Content-Type"] == "text/calendar; charset=utf-8", res.headers["Content-Type"]
    raw = res.read()
text = raw.decode("utf-8")
assert all(len(line.encode()) <= 75 for line in text.split("\r\n")), "a line is longer than 75 octets"
assert "\n" not in text.replace("\r\n", ""), "a bare newline"

# icalendar
cal_ = icalendar.Calendar.from_ical(raw)
events = {str(e["UID"]): e for e in cal_.walk("VEVENT")}
f = events[f"followup-{fu}@activation-journal"]
assert f.decoded("DTSTART") == due and f.decoded("DTEND") == due + dt.timedelta(days=1), f
assert str(f["SUMMARY"]) == ("Ask the shop, which site; box colour\\edition " * 3).strip(), f["SUMMARY"]
c = events[f"call-case-{case}@activation-journal"]
start = c.decoded("DTSTART")
local = start.astimezone(ZoneInfo(zone))
assert (local.hour, local.minute) == (10, 0), (zone, start, local)
assert c.decoded("DTEND") - start == dt.timedelta(minutes=30)
alarms = c.walk("VALARM")
assert len(alarms) == 1 and alarms[0].decoded("TRIGGER") == -dt.timedelta(minutes=10), alarms
assert all("DTSTAMP" in e for e in events.values())

# vobject
v = vobject.readOne(text)
vevents = {e.uid.value: e for e in v.vevent_list}
assert set(vevents) == set(events), (set(vevents), set(events))
vc = vevents[f"call-case-{case}@activation-journal"]
assert vc.dtstart.value.astimezone(ZoneInfo(zone)).hour == 10
assert vc.valarm.trigger.value == -dt.timedelta(minutes=10)
assert vevents[f"followup-{fu}@activation-journal"].dtstart.value == due
print(f"calendar feed ok in {zone}: {len(events)} events, call at {local.isoformat()}")
