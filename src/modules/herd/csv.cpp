#include "modules/herd/csv.h"

#include <utility>

#include "core/text.h"

namespace smartdairy::modules::herd {

namespace {

Error csv_error(int line, const std::string& message) {
  return Error::unprocessable("invalid_csv", "Line " + std::to_string(line) + ": " + message);
}

std::string trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

// Reads one record starting at `pos`; advances `pos` past its line end and `line` past every
// line break it consumed.
Result<std::vector<std::string>> read_record(std::string_view text, size_t& pos, int& line) {
  std::vector<std::string> fields;
  const int start_line = line;
  for (;;) {
    std::string field;
    // Leading blanks before an opening quote are allowed.
    size_t p = pos;
    while (p < text.size() && (text[p] == ' ' || text[p] == '\t')) ++p;
    if (p < text.size() && text[p] == '"') {
      pos = p + 1;
      for (;;) {
        if (pos >= text.size()) {
          return csv_error(start_line, "a quoted field is not closed (a '\"' is missing).");
        }
        char c = text[pos++];
        if (c == '"') {
          if (pos < text.size() && text[pos] == '"') {
            field.push_back('"');
            ++pos;
            continue;
          }
          break;
        }
        if (c == '\n') ++line;
        field.push_back(c);
        if (field.size() > kMaxCsvField) {
          return csv_error(start_line,
                           "a field is longer than " + std::to_string(kMaxCsvField) + " bytes.");
        }
      }
      while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t')) ++pos;
      if (pos < text.size() && text[pos] != ',' && text[pos] != '\n' && text[pos] != '\r') {
        return csv_error(line,
                         "text follows a closing quote; write a quote inside a quoted "
                         "field as two quotes (\"\").");
      }
    } else {
      size_t end = pos;
      while (end < text.size() && text[end] != ',' && text[end] != '\n' && text[end] != '\r') {
        if (text[end] == '"') {
          return csv_error(line, "a field that contains a quote must itself be in quotes.");
        }
        ++end;
      }
      field = trimmed(text.substr(pos, end - pos));
      if (field.size() > kMaxCsvField) {
        return csv_error(line,
                         "a field is longer than " + std::to_string(kMaxCsvField) + " bytes.");
      }
      pos = end;
    }
    fields.push_back(std::move(field));
    if (fields.size() > kMaxCsvColumns) {
      return csv_error(start_line, "more than " + std::to_string(kMaxCsvColumns) + " columns.");
    }
    if (pos < text.size() && text[pos] == ',') {
      ++pos;
      continue;
    }
    // End of record: CRLF, LF, lone CR or end of text.
    if (pos < text.size() && text[pos] == '\r') ++pos;
    if (pos < text.size() && text[pos] == '\n') ++pos;
    ++line;
    return fields;
  }
}

bool blank(const std::vector<std::string>& fields) {
  for (const auto& f : fields) {
    if (!f.empty()) return false;
  }
  return true;
}

}  // namespace

Result<CsvReader> CsvReader::open(std::string_view text) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  if (text.find('\0') != std::string_view::npos) {
    return Error::unprocessable("invalid_csv",
                                "The file contains a NUL byte; send a text CSV file.");
  }
  return CsvReader(text);
}

Result<std::optional<std::vector<std::string>>> CsvReader::next(int& line) {
  while (pos_ < text_.size()) {
    line = line_;
    SD_ASSIGN_OR_RETURN(auto fields, read_record(text_, pos_, line_));
    if (!blank(fields)) return std::optional<std::vector<std::string>>{std::move(fields)};
  }
  return std::optional<std::vector<std::string>>{};
}

Result<CsvTable> parse_csv(std::string_view text) {
  SD_ASSIGN_OR_RETURN(CsvReader reader, CsvReader::open(text));
  CsvTable table;
  bool have_header = false;
  for (;;) {
    int start = 0;
    SD_ASSIGN_OR_RETURN(auto record, reader.next(start));
    if (!record) break;
    auto& fields = *record;
    if (!have_header) {
      for (auto& h : fields) {
        h = ascii_lower(h);
        if (h.empty()) return csv_error(start, "the header row has an empty column name.");
        for (const auto& other : table.header) {
          if (other == h) return csv_error(start, "the header names column '" + h + "' twice.");
        }
        table.header.push_back(h);
      }
      have_header = true;
      continue;
    }
    if (fields.size() != table.header.size()) {
      return csv_error(start, "the row has " + std::to_string(fields.size()) +
                                  " fields but the header has " +
                                  std::to_string(table.header.size()) + ".");
    }
    if (table.rows.size() >= kMaxCsvRows) {
      return csv_error(start, "the file has more than " + std::to_string(kMaxCsvRows) +
                                  " rows; split it into smaller files.");
    }
    table.rows.push_back(std::move(fields));
    table.lines.push_back(start);
  }
  if (!have_header) {
    return Error::unprocessable("invalid_csv",
                                "The file is empty; the first line must name the columns.");
  }
  return table;
}

}  // namespace smartdairy::modules::herd
