-- wrk: POST /api/v1/attempts with realistic bodies. Each connection walks
-- through cases of four calls about one machine and license pair (three
-- refused, the fourth activated, which closes the case), one question each.
local counter = 0
local thread_id = 0

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end

function init(args)
  thread_id = tid or 0
  calls = 0
  machines = tonumber(os.getenv("AJ_MACHINES") or "200")
  licenses = tonumber(os.getenv("AJ_LICENSES") or "5")
end

local topics = {"edition", "box_colour", "purchase_site", "installation_id_group"}

function request()
  calls = calls + 1
  local case_no = math.floor((calls - 1) / 4)
  local step = (calls - 1) % 4
  local pair = (thread_id * 7919 + case_no) % (machines * licenses)
  local machine = pair % machines + 1
  local license = math.floor(pair / machines) % licenses + 1
  local minute = (calls * 37) % (60 * 24 * 300)
  local started = string.format("2014-%02d-%02dT%02d:%02d:00+09:00",
    1 + math.floor(minute / (60 * 24 * 28)) % 12, 1 + math.floor(minute / (60 * 24)) % 28,
    math.floor(minute / 60) % 24, minute % 60)
  local result
  if step == 3 then
    result = '"result": "activated"'
  else
    result = '"result": "not_activated", "failure_reason": "operator_unavailable"'
  end
  local body = string.format(
    '{"machine_id": %d, "license_id": %d, "trigger": "hardware_change", "started_at": "%s", ' ..
    '"ivr_result": "not_confirmed", "operator_outcome": "reached", "wait_seconds": %d, ' ..
    '"questions": [{"topic": "%s", "question": "which one?", "answer": "Pro"}], %s, ' ..
    '"notes": "load test call %d"}',
    machine, license, started, (calls * 13) % 900, topics[step + 1], result, calls)
  return wrk.format("POST", "/api/v1/attempts", {["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. os.getenv("AJ_TOKEN")}, body)
end
