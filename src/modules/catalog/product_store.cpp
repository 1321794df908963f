#include "modules/catalog/product_store.h"

#include "modules/common/rows.h"

namespace smartdairy::modules::catalog::store {

namespace {
constexpr const char* kColumns =
    "sku, name, description, unit, price, vat_rate, unit_cost, active, created_at, updated_at";

Product read_row(const db::Query& q) {
  return Product{q.text(0),  q.text(1),  q.text(2),       q.text(3),  q.int64(4),
                 q.int64(5), q.int64(6), q.int64(7) != 0, q.int64(8), q.int64(9)};
}
}  // namespace

Status insert(db::Connection& tx, const Product& p) {
  return tx.execute(
      "INSERT INTO products (sku, name, description, unit, price, vat_rate, unit_cost, active, "
      "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      p.sku, p.name, p.description, p.unit, p.price, p.vat_rate, p.unit_cost, int64_t{p.active},
      p.created_at, p.updated_at);
}

Status update(db::Connection& tx, const Product& p) {
  return tx.execute(
      "UPDATE products SET name = ?, description = ?, unit = ?, price = ?, vat_rate = ?, "
      "unit_cost = ?, active = ?, updated_at = ? WHERE sku = ?",
      p.name, p.description, p.unit, p.price, p.vat_rate, p.unit_cost, int64_t{p.active},
      p.updated_at, p.sku);
}

Result<std::optional<Product>> find(db::Connection& conn, std::string_view sku) {
  SD_ASSIGN_OR_RETURN(
      auto q, conn.query(std::string("SELECT ") + kColumns + " FROM products WHERE sku = ?", sku));
  SD_ASSIGN_OR_RETURN(bool has, q.step());
  if (!has) return std::optional<Product>{};
  return std::optional<Product>{read_row(q)};
}

Result<std::vector<Product>> list(db::Connection& conn, const std::string& prefix,
                                  std::optional<bool> active, const std::string& after_sku,
                                  int64_t limit) {
  std::string pattern = like_prefix(prefix);
  int64_t active_filter = active ? int64_t{*active} : -1;
  SD_ASSIGN_OR_RETURN(
      auto q, conn.query(std::string("SELECT ") + kColumns +
                             " FROM products WHERE sku > ? AND (sku LIKE ? ESCAPE '\\' OR name "
                             "LIKE ? ESCAPE '\\') AND (? < 0 OR active = ?) ORDER BY sku LIMIT ?",
                         after_sku, pattern, pattern, active_filter, active_filter, limit));
  return collect_rows<Product>(q, read_row);
}

}  // namespace smartdairy::modules::catalog::store
