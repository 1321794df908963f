#include "modules/herd/milk_import.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <unordered_map>

#include "core/json.h"
#include "core/uuid.h"
#include "modules/herd/csv.h"
#include "modules/herd/herd.h"
#include "modules/herd/milk_store.h"

namespace smartdairy::modules::herd {

namespace {

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

std::string lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

const std::set<std::string, std::less<>> kColumns = {
    "ear_tag", "day",     "session",     "quantity_ml", "quantity_litres", "fat",
    "snf",     "protein", "temperature", "scc",         "lactometer",      "notes"};

// Which column holds what; -1 when absent.
struct Columns {
  std::map<std::string, int, std::less<>> index;
  int of(std::string_view name) const {
    auto it = index.find(name);
    return it == index.end() ? -1 : it->second;
  }
};

Result<Columns> read_header(const std::vector<std::string>& header,
                            std::vector<ImportError>& errors) {
  Columns cols;
  for (size_t i = 0; i < header.size(); ++i) {
    std::string name = lower(trim(header[i]));
    if (!kColumns.contains(name)) {
      errors.push_back({1, name,
                        "Unknown column '" + name +
                            "'; the columns are ear_tag, day, session, quantity_ml or "
                            "quantity_litres, fat, snf, protein, temperature, scc, "
                            "lactometer, notes."});
      continue;
    }
    if (!cols.index.emplace(name, static_cast<int>(i)).second) {
      errors.push_back({1, name, "Column '" + name + "' appears twice."});
    }
  }
  for (const char* need : {"ear_tag", "day", "session"}) {
    if (cols.of(need) < 0) {
      errors.push_back({1, need, std::string("Column '") + need + "' is required."});
    }
  }
  bool ml = cols.of("quantity_ml") >= 0;
  bool litres = cols.of("quantity_litres") >= 0;
  if (ml == litres) {
    errors.push_back({1, "quantity_ml",
                      "Give exactly one of the columns quantity_ml and "
                      "quantity_litres."});
  }
  if (!errors.empty()) return Error::unprocessable("invalid_csv", "The header is not valid.");
  return cols;
}

// One row as a MilkInput; a cell that cannot be read is an error naming its column.
Result<MilkInput> read_row(const Columns& cols, const std::vector<std::string>& row, size_t line,
                           std::vector<ImportError>& errors) {
  size_t before = errors.size();
  auto cell = [&](std::string_view name) -> std::optional<std::string> {
    int i = cols.of(name);
    if (i < 0 || static_cast<size_t>(i) >= row.size()) return std::nullopt;
    std::string v = trim(row[static_cast<size_t>(i)]);
    if (v.empty()) return std::nullopt;
    return v;
  };
  auto fail = [&](std::string_view field, std::string message) {
    errors.push_back({line, std::string(field), std::move(message)});
  };
  auto decimal = [&](std::string_view name, int decimals) -> std::optional<int64_t> {
    auto v = cell(name);
    if (!v) return std::nullopt;
    auto n = parse_scaled_decimal(*v, decimals);
    if (!n) {
      fail(name, "'" + std::string(name) + "' must be a number with at most " +
                     std::to_string(decimals) + (decimals == 1 ? " decimal" : " decimals") +
                     "; it is '" + v->substr(0, 40) + "'.");
    }
    return n;
  };
  MilkInput in;
  in.ear_tag = cell("ear_tag");
  if (!in.ear_tag) fail("ear_tag", "'ear_tag' is empty.");
  if (auto d = cell("day")) {
    in.day = parse_date(*d);
    if (!in.day)
      fail("day", "'day' must be a date written YYYY-MM-DD; it is '" + d->substr(0, 40) + "'.");
  } else {
    fail("day", "'day' is empty.");
  }
  in.session = cell("session");
  if (in.session) {
    *in.session = lower(*in.session);
  } else {
    fail("session", "'session' is empty.");
  }
  if (cols.of("quantity_ml") >= 0) {
    auto q = decimal("quantity_ml", 0);
    if (!cell("quantity_ml")) fail("quantity_ml", "'quantity_ml' is empty.");
    in.quantity_ml = q.value_or(0);
  } else {
    auto q = decimal("quantity_litres", 3);
    if (!cell("quantity_litres")) fail("quantity_litres", "'quantity_litres' is empty.");
    in.quantity_ml = q.value_or(0);
  }
  in.fat = decimal("fat", 2);
  in.snf = decimal("snf", 2);
  in.protein = decimal("protein", 2);
  in.temperature_dc = decimal("temperature", 1);
  in.scc = decimal("scc", 0);
  in.lactometer_clr = decimal("lactometer", 2);
  in.notes = cell("notes");
  if (row.size() > cols.index.size()) {
    fail("", "The row has " + std::to_string(row.size()) + " cells; the header has " +
                 std::to_string(cols.index.size()) + ".");
  }
  if (errors.size() != before) return Error::unprocessable("invalid_csv", "row not readable");
  return in;
}

void add_error(std::vector<ImportError>& errors, size_t line, const Error& e) {
  std::string field = e.details.empty() ? "" : e.details.front();
  errors.push_back({line, field, e.message});
}

}  // namespace

Result<ImportReport> import_milk_csv(db::Connection& tx, const MilkService& milk,
                                     std::string_view csv, const std::string& actor) {
  ImportReport report;
  SD_ASSIGN_OR_RETURN(CsvReader reader, CsvReader::open(csv));
  int line = 0;
  SD_ASSIGN_OR_RETURN(auto header, reader.next(line));
  if (!header) {
    report.errors.push_back({1, "", "The file is empty; the first line must name the columns."});
    return report;
  }
  auto cols = read_header(*header, report.errors);
  if (!cols.ok()) return report;
  std::vector<Result<MilkInput>> inputs;
  std::vector<size_t> lines;
  for (;;) {
    auto row = reader.next(line);
    if (!row.ok()) {
      report.errors.push_back({static_cast<size_t>(line), "", row.error().message});
      break;
    }
    if (!*row) break;
    ++report.rows;
    auto in = read_row(*cols, **row, line, report.errors);
    if (in.ok()) {
      inputs.emplace_back(std::move(*in));
      lines.push_back(line);
    }
  }
  // With unreadable rows nothing is saved, but the other rows are still checked.
  const bool validate_only = !report.errors.empty();
  SD_ASSIGN_OR_RETURN(auto batch, milk.batch(tx, inputs, BatchMode::kAllOrNothing, actor,
                                             /*same_is_unchanged=*/true, validate_only));
  for (const auto& r : batch.rows) {
    if (r.error) {
      add_error(report.errors, lines[r.index], *r.error);
    } else if (r.outcome == MilkOutcome::kUnchanged) {
      ++report.unchanged;
    } else {
      ++report.created;
    }
  }
  if (!report.ok()) {
    std::stable_sort(report.errors.begin(), report.errors.end(),
                     [](const ImportError& a, const ImportError& b) { return a.line < b.line; });
    report.created = 0;
    report.unchanged = 0;
  }
  return report;
}

Result<ImportReport> import_milk_history(db::Connection& tx, const ModuleContext& ctx,
                                         std::string_view csv, const std::string& actor,
                                         size_t max_errors) {
  ImportReport report;
  SD_ASSIGN_OR_RETURN(CsvReader reader, CsvReader::open(csv));
  int line = 0;
  SD_ASSIGN_OR_RETURN(auto header, reader.next(line));
  if (!header) {
    report.errors.push_back({1, "", "The file is empty; the first line must name the columns."});
    return report;
  }
  auto cols = read_header(*header, report.errors);
  if (!cols.ok()) return report;

  SD_ASSIGN_OR_RETURN(HerdSettings settings, store::load_settings(tx));
  SD_ASSIGN_OR_RETURN(auto animal_rows, store::all_milk_animals(tx));
  std::unordered_map<std::string, store::MilkAnimal> animals;
  for (auto& a : animal_rows) animals.emplace(a.ear_tag, std::move(a));
  SD_ASSIGN_OR_RETURN(auto withdrawal_rows, store::all_milk_withdrawals(tx));
  std::unordered_map<std::string, std::vector<store::MilkWithdrawal>> withdrawals;
  for (auto& w : withdrawal_rows) withdrawals[w.animal_id].push_back(std::move(w));
  const Day today = ctx.today();
  const int64_t now = ctx.clock.now_micros();

  constexpr std::string_view kInsert =
      "INSERT INTO herd_milk_records (id, animal_id, day, session, quantity_ml, fat, snf, "
      "protein, temperature_dc, scc, lactometer_clr, snf_computed, grade, withheld, withheld_by, "
      "posting_id, posted_ml, recorded_by, notes, version, created_at, updated_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, 1, ?, ?) "
      "ON CONFLICT (animal_id, day, session) DO NOTHING";
  auto fail = [&](size_t at, std::string field, std::string message) {
    if (report.errors.size() < max_errors) {
      report.errors.push_back({at, std::move(field), std::move(message)});
    }
  };
  for (;;) {
    auto row = reader.next(line);
    if (!row.ok()) {
      fail(line, "", row.error().message);
      break;
    }
    if (!*row) break;
    ++report.rows;
    std::vector<ImportError> cell_errors;
    auto in = read_row(*cols, **row, line, cell_errors);
    if (!in.ok()) {
      for (auto& e : cell_errors) fail(e.line, e.field, e.message);
      continue;
    }
    if (Status st = check_milk_values(*in); !st.ok()) {
      fail(line, st.error().details.empty() ? "" : st.error().details.front(), st.error().message);
      continue;
    }
    std::string tag = *in->ear_tag;
    for (char& c : tag) {
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    }
    auto it = animals.find(tag);
    if (it == animals.end()) {
      fail(line, "ear_tag", "There is no animal with ear tag '" + tag.substr(0, 40) + "'.");
      continue;
    }
    const store::MilkAnimal& a = it->second;
    if (a.sex != "female") {
      fail(line, "ear_tag", a.ear_tag + " is " + a.sex + " and cannot give milk.");
      continue;
    }
    if (*in->day > today) {
      fail(line, "day", "'day' cannot be in the future; today is " + format_date(today) + ".");
      continue;
    }
    if (a.birth_date && *in->day < *a.birth_date) {
      fail(line, "day",
           "'day' is before " + a.ear_tag + " was born (" + format_date(*a.birth_date) + ").");
      continue;
    }
    if (!settings.has_session(*in->session)) {
      fail(line, "session", "'session' must be one of the farm's sessions.");
      continue;
    }
    MilkRecord r;
    r.quantity_ml = in->quantity_ml;
    r.fat = in->fat;
    r.snf = in->snf;
    r.protein = in->protein;
    r.temperature_dc = in->temperature_dc;
    r.scc = in->scc;
    r.lactometer_clr = in->lactometer_clr;
    r.notes = in->notes;
    if (in->lactometer_clr) {
      int64_t snf = snf_from_lactometer(settings, *in->lactometer_clr, *in->fat);
      if (snf < kMinSnf || snf > kMaxSnf) {
        fail(line, "lactometer",
             "The lactometer reading and fat give SNF " + format_scaled_decimal(snf, 2) +
                 " %, outside 5.00 to 15.00 %.");
        continue;
      }
      r.snf = snf;
      r.snf_computed = true;
    }
    r.grade = milk_grade(settings, r);
    if (auto w = withdrawals.find(a.id); w != withdrawals.end()) {
      for (const auto& h : w->second) {
        if (h.from <= *in->day && *in->day < h.until) {
          r.withheld = true;
          r.withheld_by = h.id;
          break;
        }
      }
    }
    if (!report.ok()) continue;  // nothing is kept: only look for further errors
    std::string day = format_date(*in->day);
    SD_RETURN_IF_ERROR(tx.execute(
        kInsert, new_uuid_v7(), a.id, day, *in->session, r.quantity_ml, r.fat, r.snf, r.protein,
        r.temperature_dc, r.scc, r.lactometer_clr, r.snf_computed, r.grade, r.withheld,
        r.withheld_by, r.withheld || r.grade == "R" ? 0 : r.quantity_ml, actor, r.notes, now, now));
    if (tx.changes() == 1) {
      ++report.created;
      continue;
    }
    SD_ASSIGN_OR_RETURN(auto existing,
                        store::find_milk_record_at(tx, a.id, *in->day, *in->session));
    bool same = existing && existing->quantity_ml == r.quantity_ml && existing->fat == r.fat &&
                existing->snf == r.snf && existing->protein == r.protein &&
                existing->temperature_dc == r.temperature_dc && existing->scc == r.scc &&
                existing->lactometer_clr == r.lactometer_clr && existing->notes == r.notes;
    if (!same) {
      fail(line, "session",
           a.ear_tag + " already has a different " + *in->session + " record for " + day +
               "; correct it with the API instead.");
      continue;
    }
    ++report.unchanged;
  }
  if (!report.ok()) {
    report.created = 0;
    report.unchanged = 0;
  }
  return report;
}

}  // namespace smartdairy::modules::herd
