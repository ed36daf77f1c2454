-- wrk script for scripts/load-test: rotates through searches a counsellor or a family member
-- would type, the service detail API, the search page itself, and a triage of a consultation
-- through the JSON API (一つ目は事例09 のような相談、二つ目は危機の相談).
local paths = {
  "/api/v1/search?q=%E3%83%80%E3%83%AB%E3%82%AF",                                   -- ダルク
  "/api/v1/search?q=%E3%82%A2%E3%83%AB%E3%82%B3%E3%83%BC%E3%83%AB&prefecture=13",  -- アルコール, 東京都
  "/api/v1/search?q=%E5%AE%B6%E6%97%8F%E4%BC%9A",                                   -- 家族会
  "/api/v1/search?concern=gambling",
  "/api/v1/search?q=%E8%96%AC%E7%89%A9+%E7%9B%B8%E8%AB%87&region=27",               -- 薬物 相談, 大阪府 first
  "/api/v1/search?kind=mental_health_welfare_center&per_page=50",
  "/api/v1/services/darc-womens-house",
  "/?q=%E3%82%AE%E3%83%A3%E3%83%B3%E3%83%96%E3%83%AB",                              -- ギャンブル (HTML)
  "TRIAGE1",
  "TRIAGE2",
}
local bodies = {
  TRIAGE1 = '{"text":"夫が覚醒剤で服役し、来月仮釈放になります。家族として支えたいです。","prefecture":"東京都"}',
  TRIAGE2 = '{"text":"お酒がやめられず、もう死にたいと思っています。"}',
}
local i = 0
request = function()
  i = i + 1
  local p = paths[(i % #paths) + 1]
  local body = bodies[p]
  if body then
    return wrk.format("POST", "/api/v1/triage", {["Content-Type"] = "application/json"}, body)
  end
  return wrk.format("GET", p)
end
