#include "modules/herd/breed_store.h"

#include <string_view>

namespace smartdairy::modules::herd::store {

namespace {
constexpr std::string_view kColumns =
    "SELECT id, code, name, kind, avg_yield_ml, gestation_days, description, created_at, "
    "updated_at FROM herd_breeds ";

Breed read_breed(const db::Query& q) {
  Breed b;
  b.id = q.text(0);
  b.code = q.text(1);
  b.name = q.text(2);
  b.kind = q.text(3);
  b.avg_yield_ml = q.optional_int64(4);
  b.gestation_days = q.int64(5);
  b.description = q.optional_text(6);
  b.created_at = q.int64(7);
  b.updated_at = q.int64(8);
  return b;
}

Result<std::optional<Breed>> find_one(db::Connection& c, std::string_view where,
                                      const std::string& value) {
  SD_ASSIGN_OR_RETURN(auto q, c.query(std::string(kColumns) + std::string(where), value));
  SD_ASSIGN_OR_RETURN(bool row, q.step());
  if (!row) return std::optional<Breed>{};
  return std::optional<Breed>{read_breed(q)};
}
}  // namespace

Result<std::optional<Breed>> find_breed(db::Connection& c, const std::string& id) {
  return find_one(c, "WHERE id = ?", id);
}

Result<std::optional<Breed>> find_breed_by_code(db::Connection& c, const std::string& code) {
  return find_one(c, "WHERE code = ?", code);
}

Status insert_breed(db::Connection& c, const Breed& b) {
  return c.execute(
      "INSERT INTO herd_breeds (id, code, name, kind, avg_yield_ml, gestation_days, "
      "description, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
      b.id, b.code, b.name, b.kind, b.avg_yield_ml, b.gestation_days, b.description, b.created_at,
      b.updated_at);
}

Status update_breed(db::Connection& c, const Breed& b) {
  return c.execute(
      "UPDATE herd_breeds SET code = ?, name = ?, kind = ?, avg_yield_ml = ?, "
      "gestation_days = ?, description = ?, updated_at = ? WHERE id = ?",
      b.code, b.name, b.kind, b.avg_yield_ml, b.gestation_days, b.description, b.updated_at, b.id);
}

Result<std::vector<Breed>> list_breeds(db::Connection& c, const std::string& after_code,
                                       int64_t limit) {
  SD_ASSIGN_OR_RETURN(
      auto q,
      c.query(std::string(kColumns) + "WHERE code > ? ORDER BY code LIMIT ?", after_code, limit));
  std::vector<Breed> out;
  for (;;) {
    SD_ASSIGN_OR_RETURN(bool row, q.step());
    if (!row) break;
    out.push_back(read_breed(q));
  }
  return out;
}

}  // namespace smartdairy::modules::herd::store
