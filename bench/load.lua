-- wrk script for scripts/load-test: rotates through searches a counsellor or a family member
-- would type, the service detail API, and the search page itself.
local paths = {
  "/api/v1/search?q=%E3%83%80%E3%83%AB%E3%82%AF",                                   -- ダルク
  "/api/v1/search?q=%E3%82%A2%E3%83%AB%E3%82%B3%E3%83%BC%E3%83%AB&prefecture=13",  -- アルコール, 東京都
  "/api/v1/search?q=%E5%AE%B6%E6%97%8F%E4%BC%9A",                                   -- 家族会
  "/api/v1/search?concern=gambling",
  "/api/v1/search?q=%E8%96%AC%E7%89%A9+%E7%9B%B8%E8%AB%87&region=27",               -- 薬物 相談, 大阪府 first
  "/api/v1/search?kind=mental_health_welfare_center&per_page=50",
  "/api/v1/services/darc-womens-house",
  "/?q=%E3%82%AE%E3%83%A3%E3%83%B3%E3%83%96%E3%83%AB",                              -- ギャンブル (HTML)
}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
