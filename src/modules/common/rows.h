#pragma once

#include <string>
#include <vector>

#include "core/result.h"
#include "db/sqlite.h"

namespace smartdairy::modules {

// Steps `q` to the end, turning each row into a T with `read(q)`.
template <class T, class Read>
Result<std::vector<T>> collect_rows(db::Query& q, Read read) {
  std::vector<T> out;
  for (;;) {
    SD_ASSIGN_OR_RETURN(bool has, q.step());
    if (!has) break;
    out.push_back(read(q));
  }
  return out;
}

// A LIKE pattern matching values that start with `prefix`, with the wildcards in the user's
// text escaped; use with `LIKE ? ESCAPE '\'`.
inline std::string like_prefix(const std::string& prefix) {
  std::string out;
  for (char ch : prefix) {
    if (ch == '%' || ch == '_' || ch == '\\') out += '\\';
    out += ch;
  }
  return out + '%';
}

}  // namespace smartdairy::modules
