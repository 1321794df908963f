#pragma once

// Summed contributions to a view, written once per key at the end of a batch (the
// analytics.views consumer). Internal to the analytics module.

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/result.h"
#include "db/sqlite.h"

namespace smartdairy::modules::analytics {

// A row's key: one column (second left empty) or two.
using Key2 = std::pair<std::string, std::string>;

// N summed values of one row. `taken_back`: something was subtracted, so the row may have
// dropped to zero.
template <size_t N>
struct SumsOf {
  std::array<int64_t, N> v{};
  bool taken_back = false;

  bool zero() const {
    for (int64_t x : v) {
      if (x != 0) return false;
    }
    return true;
  }
  // Adds (sign +1) or takes back (-1) `values`.
  void add(int64_t sign, const std::array<int64_t, N>& values) {
    for (size_t i = 0; i < N; ++i) v[i] += sign * values[i];
    if (sign < 0) taken_back = true;
  }
};

// Adds `m` to `table`, one upsert per key: `keys` are its key columns (one or two), `cols`
// the columns the N values add to (nullptr: not stored). A row whose first column drops to
// zero is deleted, as a rebuild would not have it.
template <size_t N>
Status write_sums(db::Connection& tx, const std::string& table,
                  const std::vector<std::string>& keys, const std::array<const char*, N>& cols,
                  const std::map<Key2, SumsOf<N>>& m) {
  std::string names;
  std::string marks;
  std::string where;
  for (const auto& k : keys) {
    names += k + ", ";
    marks += "?, ";
    where += k + " = ? AND ";
  }
  std::string updates;
  for (const char* c : cols) {
    if (c == nullptr) continue;
    names += std::string(c) + ", ";
    marks += "?, ";
    updates += std::string(c) + " = " + c + " + excluded." + c + ", ";
  }
  names.resize(names.size() - 2);
  marks.resize(marks.size() - 2);
  updates.resize(updates.size() - 2);
  std::string conflict = keys[0] + (keys.size() > 1 ? ", " + keys[1] : "");
  const std::string upsert = "INSERT INTO " + table + " (" + names + ") VALUES (" + marks +
                             ") ON CONFLICT (" + conflict + ") DO UPDATE SET " + updates;
  const std::string prune = "DELETE FROM " + table + " WHERE " + where + cols[0] + " = 0";
  auto bind_key = [&keys](db::Query& q, const Key2& k) {
    q.bind(1, k.first);
    if (keys.size() > 1) q.bind(2, k.second);
    return static_cast<int>(keys.size()) + 1;
  };
  for (const auto& [k, s] : m) {
    if (!s.zero()) {
      SD_ASSIGN_OR_RETURN(auto q, tx.prepare(upsert));
      int i = bind_key(q, k);
      for (size_t c = 0; c < N; ++c) {
        if (cols[c] != nullptr) q.bind(i++, s.v[c]);
      }
      SD_RETURN_IF_ERROR(q.run());
    }
    if (s.taken_back) {
      SD_ASSIGN_OR_RETURN(auto q, tx.prepare(prune));
      bind_key(q, k);
      SD_RETURN_IF_ERROR(q.run());
    }
  }
  return {};
}

}  // namespace smartdairy::modules::analytics
