#include "modules/herd/animal_import.h"

#include <array>
#include <map>
#include <optional>
#include <utility>

#include "core/text.h"
#include "modules/herd/animal_store.h"
#include "modules/herd/animal_text.h"
#include "modules/herd/breed_store.h"
#include "modules/herd/csv.h"

namespace smartdairy::modules::herd {

namespace {

// The CSV column an AnimalService field error is about.
std::string column_of(std::string_view field) {
  if (field == "sire_id") return "sire_tag";
  if (field == "dam_id") return "dam_tag";
  if (field == "breed_id") return "breed_code";
  if (field == "acquisition.kind") return "acquisition_kind";
  if (field == "acquisition.date") return "acquisition_date";
  if (field == "acquisition.cost") return "acquisition_cost";
  return std::string(field);
}

struct Row {
  std::map<std::string, std::string> values;  // column -> non-empty value

  std::optional<std::string> get(const std::string& column) const {
    auto it = values.find(column);
    if (it == values.end()) return std::nullopt;
    return it->second;
  }
};

// A row being turned into a NewAnimal; the first problem wins.
struct RowError {
  std::string field;
  std::string message;
};

}  // namespace

Result<ImportOutcome> AnimalImport::import_csv(db::Connection& tx, std::string_view text,
                                               const std::string& actor) const {
  SD_ASSIGN_OR_RETURN(CsvTable table, parse_csv(text));
  for (const auto& h : table.header) {
    bool known = false;
    for (auto c : kAnimalImportColumns) known = known || c == h;
    if (!known) {
      std::string all = "Line 1: unknown column '" + h + "'. The columns are: ";
      bool first = true;
      for (auto c : kAnimalImportColumns) {
        if (!first) all += ", ";
        first = false;
        all += c;
      }
      all += ".";
      return Error::unprocessable("invalid_csv", all);
    }
  }
  for (std::string_view required : {"ear_tag", "sex"}) {
    bool present = false;
    for (const auto& h : table.header) present = present || h == required;
    if (!present) {
      return Error::unprocessable("invalid_csv", "Line 1: the header must name the column '" +
                                                     std::string(required) + "'.");
    }
  }
  if (table.rows.empty()) {
    return Error::unprocessable("invalid_csv", "The file has a header but no rows.");
  }

  const Day today = ctx_.today();
  SD_RETURN_IF_ERROR(tx.exec("SAVEPOINT herd_animal_import"));
  ImportOutcome out;
  std::map<std::string, std::string> file_ids;  // tag -> id of a row of this file
  std::map<std::string, int> file_lines;        // tag -> line of its row
  std::map<std::string, int> failed;            // tag -> line of a row with errors

  for (size_t i = 0; i < table.rows.size(); ++i) {
    const int line = table.lines[i];
    Row row;
    for (size_t c = 0; c < table.header.size(); ++c) {
      if (!table.rows[i][c].empty()) row.values[table.header[c]] = table.rows[i][c];
    }
    auto fail = [&](std::string field, std::string message) {
      out.errors.push_back({line, std::move(field), std::move(message)});
    };
    auto tag = clean_ear_tag("ear_tag", row.get("ear_tag").value_or(""));
    if (!tag.ok()) {
      fail("ear_tag", tag.error().message);
      continue;
    }
    if (auto seen = file_lines.find(*tag); seen != file_lines.end()) {
      fail("ear_tag", "Ear tag " + *tag + " is already on line " + std::to_string(seen->second) +
                          " of this file.");
      continue;
    }
    file_lines[*tag] = line;

    NewAnimal in;
    std::optional<RowError> problem;
    in.ear_tag = *tag;
    in.sex = ascii_lower(row.get("sex").value_or(""));
    in.name = row.get("name");
    in.rfid = row.get("rfid");
    if (auto s = row.get("status")) in.status = ascii_lower(*s);
    if (auto k = row.get("acquisition_kind")) in.acquisition_kind = ascii_lower(*k);
    for (const char* column : {"birth_date", "acquisition_date"}) {
      auto v = row.get(column);
      if (!v || problem) continue;
      auto d = parse_date(*v);
      if (!d) {
        problem =
            RowError{column, std::string(column) + " must be a date YYYY-MM-DD, not '" + *v + "'."};
        continue;
      }
      (std::string_view(column) == "birth_date" ? in.birth_date : in.acquisition_date) = *d;
    }
    if (auto cost = row.get("acquisition_cost"); cost && !problem) {
      auto m = Money::parse(*cost, ctx_.currency);
      if (!m.ok()) {
        problem =
            RowError{"acquisition_cost",
                     "acquisition_cost must be an amount like 85000.00, not '" + *cost + "'."};
      } else {
        in.acquisition_cost = *m;
      }
    }
    std::optional<std::string> breed_code;
    if (auto code = row.get("breed_code"); code && !problem) {
      breed_code = code;
      for (auto& ch : *breed_code) {
        if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
      }
      SD_ASSIGN_OR_RETURN(auto breed, store::find_breed_by_code(tx, *breed_code));
      if (!breed) {
        problem = RowError{"breed_code", "There is no breed with the code '" + *breed_code +
                                             "'; create it first (POST /api/v1/herd/breeds)."};
      } else {
        in.breed_id = breed->id;
      }
    }
    // Parents: a row earlier in the file, else an animal of the herd.
    std::array<std::optional<std::string>, 2> parent_tags;
    const std::array<const char*, 2> parent_columns = {"sire_tag", "dam_tag"};
    for (size_t p = 0; p < 2 && !problem; ++p) {
      auto v = row.get(parent_columns[p]);
      if (!v) continue;
      auto ptag = clean_ear_tag(parent_columns[p], *v);
      if (!ptag.ok()) {
        problem = RowError{parent_columns[p], ptag.error().message};
        break;
      }
      parent_tags[p] = *ptag;
      std::optional<std::string> id;
      if (auto f = file_ids.find(*ptag); f != file_ids.end()) {
        id = f->second;
      } else if (auto bad = failed.find(*ptag); bad != failed.end()) {
        problem = RowError{parent_columns[p], *ptag + " is on line " + std::to_string(bad->second) +
                                                  ", which has errors."};
        break;
      } else {
        SD_ASSIGN_OR_RETURN(auto parent, store::find_animal_by_tag(tx, *ptag, today));
        if (parent) id = parent->id;
      }
      if (!id) {
        problem = RowError{parent_columns[p],
                           *ptag + " is neither in the herd nor on an earlier line of this file."};
        break;
      }
      (p == 0 ? in.sire_id : in.dam_id) = *id;
    }
    if (problem) {
      fail(problem->field, problem->message);
      failed[*tag] = line;
      continue;
    }

    SD_ASSIGN_OR_RETURN(auto existing, store::find_animal_by_tag(tx, *tag, today));
    if (existing) {
      // Compare every column the row fills with what the herd holds.
      std::vector<std::string> differs;
      auto compare = [&differs](const char* column, const std::optional<std::string>& sent,
                                const std::optional<std::string>& held) {
        if (sent && sent != held) {
          differs.push_back(std::string(column) + " is '" + held.value_or("") + "' in the herd, '" +
                            *sent + "' in the file");
        }
      };
      auto date_text = [](const std::optional<Day>& d) {
        return d ? std::optional<std::string>(format_date(*d)) : std::nullopt;
      };
      std::optional<std::string> rfid;
      if (in.rfid) {
        auto r = clean_code("rfid", *in.rfid, 32, "RFID");
        rfid = r.ok() ? *r : *in.rfid;
      }
      compare("name", in.name ? std::optional<std::string>(trim_blanks(*in.name)) : std::nullopt,
              existing->name);
      compare("sex", in.sex, existing->sex);
      compare("birth_date", date_text(in.birth_date), date_text(existing->birth_date));
      compare("breed_code", breed_code,
              existing->breed ? std::optional<std::string>(existing->breed->code) : std::nullopt);
      compare("status", in.status, existing->status);
      compare("sire_tag", in.sire_id, existing->sire_id);
      compare("dam_tag", in.dam_id, existing->dam_id);
      compare("rfid", rfid, existing->rfid);
      compare("acquisition_kind", in.acquisition_kind, existing->acquisition_kind);
      compare("acquisition_date", date_text(in.acquisition_date),
              date_text(existing->acquisition_date));
      if (in.acquisition_cost) {
        auto held = existing->acquisition_cost_minor
                        ? std::optional<std::string>(
                              Money::from_minor(*existing->acquisition_cost_minor, ctx_.currency)
                                  .to_string())
                        : std::nullopt;
        compare("acquisition_cost", in.acquisition_cost->to_string(), held);
      }
      if (!differs.empty()) {
        // Parent columns compare ids; name them by tag for the reader.
        std::string message = "Ear tag " + *tag + " is already in the herd with other values: ";
        for (size_t d = 0; d < differs.size(); ++d) {
          std::string item = differs[d];
          if (item.starts_with("sire_tag") || item.starts_with("dam_tag")) {
            item = item.substr(0, item.find(' ')) + " differs from the herd's (" +
                   (item.starts_with("sire") ? parent_tags[0] : parent_tags[1]).value_or("") +
                   " in the file)";
          }
          message += (d == 0 ? "" : "; ") + item;
        }
        fail("", message + ". Change the animal with PATCH /api/v1/herd/animals/{id}.");
        failed[*tag] = line;
        continue;
      }
      file_ids[*tag] = existing->id;
      out.unchanged++;
      out.rows.push_back({line, *tag, "unchanged", existing->id});
      continue;
    }

    auto registered = animals_.register_animal(tx, in, actor);
    if (!registered.ok()) {
      const Error& e = registered.error();
      if (e.kind == ErrorKind::kInternal || e.kind == ErrorKind::kUnavailable) {
        (void)tx.exec("ROLLBACK TO herd_animal_import");
        (void)tx.exec("RELEASE herd_animal_import");
        return e;
      }
      fail(e.details.empty() ? "" : column_of(e.details[0]), e.message);
      failed[*tag] = line;
      continue;
    }
    file_ids[*tag] = registered->id;
    out.created++;
    out.rows.push_back({line, *tag, "created", registered->id});
  }

  if (!out.errors.empty()) {
    SD_RETURN_IF_ERROR(tx.exec("ROLLBACK TO herd_animal_import"));
    out.created = 0;
    out.unchanged = 0;
    out.rows.clear();
  }
  SD_RETURN_IF_ERROR(tx.exec("RELEASE herd_animal_import"));
  return out;
}

}  // namespace smartdairy::modules::herd
