#include "modules/analytics/farm_kpis.h"

#include <algorithm>
#include <array>
#include <boost/json/array.hpp>
#include <cstdio>
#include <map>
#include <string_view>
#include <vector>

#include "core/dates.h"
#include "core/money.h"
#include "modules/analytics/views.h"

namespace smartdairy::modules::analytics {

namespace json = boost::json;

namespace {

constexpr std::array<std::string_view, 9> kStatuses = {
    "calf", "heifer", "lactating", "dry", "pregnant", "bull", "sold", "dead", "culled"};
constexpr std::array<std::string_view, 3> kDisposed = {"sold", "dead", "culled"};
constexpr std::array<std::string_view, 4> kGrades = {"A", "B", "C", "R"};
// Days the yielders are ranked over (ending today) and how many of each are listed.
constexpr int64_t kYieldDays = 7;
constexpr size_t kYielders = 5;

// One day of analytics_farm_milk_by_day.
struct MilkDay {
  int64_t records = 0, litres_ml = 0, saleable_ml = 0, withheld_ml = 0;
  std::array<int64_t, 4> grade_records{};
  std::array<int64_t, 4> grade_ml{};
};

Result<std::map<std::string, MilkDay>> milk_days(db::Connection& conn, Day from, Day to) {
  SD_ASSIGN_OR_RETURN(
      auto q, conn.query("SELECT day, records, litres_ml, saleable_ml, withheld_ml, grade_a, "
                         "grade_b, grade_c, grade_r, grade_a_ml, grade_b_ml, grade_c_ml, "
                         "grade_r_ml FROM analytics_farm_milk_by_day WHERE day >= ? AND day <= ?",
                         format_date(from), format_date(to)));
  std::map<std::string, MilkDay> out;
  for (;;) {
    SD_ASSIGN_OR_RETURN(bool has, q.step());
    if (!has) break;
    MilkDay m{q.int64(1), q.int64(2), q.int64(3), q.int64(4), {}, {}};
    for (int g = 0; g < 4; ++g) {
      m.grade_records[static_cast<size_t>(g)] = q.int64(5 + g);
      m.grade_ml[static_cast<size_t>(g)] = q.int64(9 + g);
    }
    out[q.text(0)] = m;
  }
  return out;
}

json::array trend(const std::map<std::string, MilkDay>& days, Day today, int64_t n) {
  json::array out;
  for (Day d = today - (n - 1); d <= today; ++d) {
    auto it = days.find(format_date(d));
    int64_t ml = it == days.end() ? 0 : it->second.litres_ml;
    out.push_back(json::object{{"day", format_date(d)}, {"litres", litres_text(ml)}});
  }
  return out;
}

json::value animal_ref(db::Query& q, int first) {
  json::object a{{"id", q.text(first)}, {"ear_tag", q.text(first + 1)}};
  a["name"] = q.is_null(first + 2) ? json::value() : json::value(q.text(first + 2));
  return a;
}

// Lactating cows ranked by their milk over the kYieldDays days ending today (a cow without
// records counts 0); the top and the bottom kYielders, each by average litres a day.
Status yielders(db::Connection& conn, Day today, json::object& out) {
  // Two plain queries merged here: each animal's milk of the days (through herd_milk_by_day),
  // then the lactating animals. (One LEFT JOIN of the two costs SQLite an automatic index
  // each time: about four times slower on a big herd.)
  std::map<std::string, int64_t> ml;
  {
    SD_ASSIGN_OR_RETURN(auto q,
                        conn.query("SELECT animal_id, sum(quantity_ml) FROM "
                                   "herd_milk_records WHERE day >= ? AND day <= ? "
                                   "GROUP BY animal_id",
                                   format_date(today - (kYieldDays - 1)), format_date(today)));
    for (;;) {
      SD_ASSIGN_OR_RETURN(bool has, q.step());
      if (!has) break;
      ml[q.text(0)] = q.int64(1);
    }
  }
  SD_ASSIGN_OR_RETURN(auto q, conn.query("SELECT id, ear_tag, name FROM herd_animals "
                                         "WHERE status = 'lactating'"));
  struct Cow {
    json::value ref;
    std::string ear_tag;
    int64_t ml = 0;
  };
  std::vector<Cow> cows;
  for (;;) {
    SD_ASSIGN_OR_RETURN(bool has, q.step());
    if (!has) break;
    auto it = ml.find(q.text(0));
    cows.push_back({animal_ref(q, 0), q.text(1), it == ml.end() ? 0 : it->second});
  }
  auto row = [](const Cow& c) {
    json::object o = c.ref.as_object();
    o["litres"] = litres_text(divide_rounded(c.ml, kYieldDays));
    return o;
  };
  // Highest first; equal yields by ear tag, so that both lists are stable.
  std::sort(cows.begin(), cows.end(), [](const Cow& a, const Cow& b) {
    return a.ml != b.ml ? a.ml > b.ml : a.ear_tag < b.ear_tag;
  });
  json::array top;
  for (size_t i = 0; i < cows.size() && i < kYielders; ++i) top.push_back(row(cows[i]));
  // Lowest first; equal yields by ear tag too.
  std::sort(cows.begin(), cows.end(), [](const Cow& a, const Cow& b) {
    return a.ml != b.ml ? a.ml < b.ml : a.ear_tag < b.ear_tag;
  });
  json::array bottom;
  for (size_t i = 0; i < cows.size() && i < kYielders; ++i) bottom.push_back(row(cows[i]));
  out["top_yielders"] = std::move(top);
  out["bottom_yielders"] = std::move(bottom);
  return {};
}

// Animals (not disposed) whose milk is withheld today: a treatment started on or before
// today (its day or its last dose, whichever is earlier) and today < milk_withdrawal_end.
Result<json::array> in_withdrawal(db::Connection& conn, const std::string& today) {
  SD_ASSIGN_OR_RETURN(
      auto q, conn.query("SELECT a.id, a.ear_tag, a.name, max(h.milk_withdrawal_end) "
                         "FROM herd_health_records h JOIN herd_animals a ON a.id = h.animal_id "
                         "WHERE h.milk_withdrawal_end > ? "
                         "AND min(h.day, coalesce(h.last_dose_date, h.day)) <= ? "
                         "AND a.status NOT IN ('sold', 'dead', 'culled') "
                         "GROUP BY a.id ORDER BY a.ear_tag",
                         today, today));
  json::array out;
  for (;;) {
    SD_ASSIGN_OR_RETURN(bool has, q.step());
    if (!has) break;
    json::object o = animal_ref(q, 0).as_object();
    o["milk_withdrawal_end"] = q.text(3);
    out.push_back(std::move(o));
  }
  return out;
}

// Services of animals not disposed: `sql` selects service id, day, animal id, tag, name.
template <class... Args>
Result<json::array> services(db::Connection& conn, const std::string& sql, const Args&... args) {
  SD_ASSIGN_OR_RETURN(auto q, conn.query(sql, args...));
  json::array out;
  for (;;) {
    SD_ASSIGN_OR_RETURN(bool has, q.step());
    if (!has) break;
    out.push_back(
        json::object{{"service_id", q.text(0)}, {"day", q.text(1)}, {"animal", animal_ref(q, 2)}});
  }
  return out;
}

// "YYYY-MM" of the 12 months ending with today's, oldest first.
std::vector<std::string> last_12_months(const std::string& today) {
  int year = std::stoi(today.substr(0, 4));
  int month = std::stoi(today.substr(5, 2));
  std::vector<std::string> out(12);
  for (int i = 11; i >= 0; --i) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d", year, month);
    out[static_cast<size_t>(i)] = buf;
    if (--month == 0) {
      month = 12;
      --year;
    }
  }
  return out;
}

Result<json::array> health_cost(db::Connection& conn, const std::string& today, Currency currency) {
  auto months = last_12_months(today);
  SD_ASSIGN_OR_RETURN(auto q, conn.query("SELECT month, cost FROM "
                                         "analytics_farm_health_cost_by_month "
                                         "WHERE month >= ? AND month <= ?",
                                         months.front(), months.back()));
  std::map<std::string, int64_t> cost;
  for (;;) {
    SD_ASSIGN_OR_RETURN(bool has, q.step());
    if (!has) break;
    cost[q.text(0)] = q.int64(1);
  }
  json::array out;
  for (const auto& m : months) {
    out.push_back(
        json::object{{"month", m}, {"cost", Money::from_minor(cost[m], currency).to_json()}});
  }
  return out;
}

}  // namespace

std::string litres_text(int64_t ml) {
  const bool negative = ml < 0;
  const uint64_t abs = negative ? 0 - static_cast<uint64_t>(ml) : static_cast<uint64_t>(ml);
  std::string out = (negative ? "-" : "") + std::to_string(abs / 1000);
  if (uint64_t frac = abs % 1000; frac != 0) {
    char buf[8];
    std::snprintf(buf, sizeof buf, ".%03u", static_cast<unsigned>(frac));
    std::string f = buf;
    while (f.back() == '0') f.pop_back();
    out += f;
  }
  return out;
}

int64_t divide_rounded(int64_t total, int64_t parts) {
  int64_t q = total / parts;
  int64_t r = total % parts;
  if (2 * (r < 0 ? -r : r) >= parts) q += total < 0 ? -1 : 1;
  return q;
}

Result<json::object> read_farm_kpis(db::Connection& conn, const ModuleContext& ctx) {
  const Day today = ctx.today();
  const std::string t = format_date(today);
  json::object out{{"today", t}};
  SD_ASSIGN_OR_RETURN(
      auto seq,
      conn.scalar_int64("SELECT last_seq FROM consumer_offsets WHERE consumer = ?", kConsumerName));
  out["seq"] = seq.value_or(0);

  std::map<std::string, int64_t> by_status;
  {
    SD_ASSIGN_OR_RETURN(auto q,
                        conn.query("SELECT status, animals FROM analytics_farm_herd_by_status"));
    for (;;) {
      SD_ASSIGN_OR_RETURN(bool has, q.step());
      if (!has) break;
      by_status[q.text(0)] = q.int64(1);
    }
  }
  json::object statuses;
  int64_t total = 0;
  for (auto s : kStatuses) {
    int64_t n = by_status[std::string(s)];
    statuses[s] = n;
    if (std::find(kDisposed.begin(), kDisposed.end(), s) == kDisposed.end()) total += n;
  }
  const int64_t lactating = by_status["lactating"];
  out["total_cattle"] = total;
  out["by_status"] = std::move(statuses);
  out["lactating"] = lactating;

  SD_ASSIGN_OR_RETURN(auto days, milk_days(conn, today - 29, today));
  const MilkDay today_milk = days.count(t) != 0 ? days[t] : MilkDay{};
  const std::string y = format_date(today - 1);
  const int64_t yesterday_ml = days.count(y) != 0 ? days[y].litres_ml : 0;
  out["litres_today"] = litres_text(today_milk.litres_ml);
  out["litres_yesterday"] = litres_text(yesterday_ml);
  out["saleable_litres_today"] = litres_text(today_milk.saleable_ml);
  out["withheld_litres_today"] = litres_text(today_milk.withheld_ml);
  out["avg_litres_per_cow"] =
      lactating > 0 ? json::value(litres_text(divide_rounded(today_milk.litres_ml, lactating)))
                    : json::value();
  out["trend_7d"] = trend(days, today, 7);
  out["trend_30d"] = trend(days, today, 30);
  json::object mix;
  for (size_t g = 0; g < kGrades.size(); ++g) {
    mix[kGrades[g]] = json::object{{"records", today_milk.grade_records[g]},
                                   {"litres", litres_text(today_milk.grade_ml[g])}};
  }
  out["grade_mix"] = std::move(mix);

  SD_RETURN_IF_ERROR(yielders(conn, today, out));
  SD_ASSIGN_OR_RETURN(out["in_withdrawal"], in_withdrawal(conn, t));
  SD_ASSIGN_OR_RETURN(
      out["checks_due"],
      services(conn,
               "SELECT s.id, s.check_due, a.id, a.ear_tag, a.name FROM herd_services s "
               "JOIN herd_animals a ON a.id = s.animal_id WHERE s.pregnancy_status = 'pending' "
               "AND s.check_due <= ? AND a.status NOT IN ('sold', 'dead', 'culled') "
               "ORDER BY s.check_due, a.ear_tag LIMIT " +
                   std::to_string(kMaxChecksDue),
               t));
  SD_ASSIGN_OR_RETURN(
      out["calvings_due_30d"],
      services(conn,
               "SELECT s.id, s.expected_calving, a.id, a.ear_tag, a.name FROM herd_services s "
               "JOIN herd_animals a ON a.id = s.animal_id "
               "WHERE s.pregnancy_status = 'confirmed' AND s.expected_calving >= ? "
               "AND s.expected_calving <= ? AND a.status NOT IN ('sold', 'dead', 'culled') "
               "ORDER BY s.expected_calving, a.ear_tag",
               t, format_date(today + 30)));
  SD_ASSIGN_OR_RETURN(out["health_cost_by_month"], health_cost(conn, t, ctx.currency));
  return out;
}

}  // namespace smartdairy::modules::analytics
