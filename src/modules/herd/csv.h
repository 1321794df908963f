#pragma once

// A small RFC 4180 reader for the herd's spreadsheet imports (animals, milk records).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace smartdairy::modules::herd {

// A parsed CSV file: the header row, then each non-blank data row with the line number (1 is
// the header's line) on which it starts, for error reports that point into the file.
struct CsvTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<int> lines;
};

inline constexpr size_t kMaxCsvRows = 20000;
inline constexpr size_t kMaxCsvColumns = 64;
inline constexpr size_t kMaxCsvField = 4096;

// Reads a CSV text one record at a time, so that a bulk file (years of milk) is never held as
// a table of strings. Same format and errors as parse_csv below, without its row limit and
// without checking the header.
class CsvReader {
 public:
  // Skips a UTF-8 byte-order mark. 422 "invalid_csv" when the text holds a NUL byte.
  static Result<CsvReader> open(std::string_view text);

  // The next non-blank record and the line it starts on (1 is the first line); nullopt at the
  // end of the text.
  Result<std::optional<std::vector<std::string>>> next(int& line);

 private:
  explicit CsvReader(std::string_view text) : text_(text) {}
  std::string_view text_;
  size_t pos_ = 0;
  int line_ = 1;
};

// Parses `text`: comma-separated, fields in double quotes may hold commas, line breaks and
// doubled quotes (""), lines end in LF or CRLF, a UTF-8 byte-order mark is skipped, blank
// lines are ignored. Header names are trimmed and lower-cased; unquoted fields are trimmed.
// Every row must have as many fields as the header. Errors are 422 "invalid_csv" naming the
// line: an empty file, an unterminated quote, text after a closing quote, a ragged row, a
// duplicate or empty header name, a NUL byte, or more than kMaxCsvRows rows.
Result<CsvTable> parse_csv(std::string_view text);

}  // namespace smartdairy::modules::herd
