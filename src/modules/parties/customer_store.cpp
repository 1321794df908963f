#include "modules/parties/customer_store.h"

#include "modules/common/rows.h"

namespace smartdairy::modules::parties::store {

namespace {
constexpr const char* kColumns =
    "id, name, email, phone, kind, payment_terms_days, credit_limit, archived, created_at, "
    "updated_at";

Customer read_row(const db::Query& q) {
  Customer c;
  c.id = q.text(0);
  c.name = q.text(1);
  c.email = q.text(2);
  c.phone = q.optional_text(3);
  c.kind = q.text(4);
  c.payment_terms_days = q.int64(5);
  c.credit_limit = q.optional_int64(6);
  c.archived = q.int64(7) != 0;
  c.created_at = q.int64(8);
  c.updated_at = q.int64(9);
  return c;
}
}  // namespace

Status insert(db::Connection& tx, const Customer& c) {
  return tx.execute(
      "INSERT INTO customers (id, name, email, phone, kind, payment_terms_days, credit_limit, "
      "archived, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      c.id, c.name, c.email, c.phone, c.kind, c.payment_terms_days, c.credit_limit,
      int64_t{c.archived}, c.created_at, c.updated_at);
}

Status update(db::Connection& tx, const Customer& c) {
  return tx.execute(
      "UPDATE customers SET name = ?, email = ?, phone = ?, kind = ?, payment_terms_days = ?, "
      "credit_limit = ?, archived = ?, updated_at = ? WHERE id = ?",
      c.name, c.email, c.phone, c.kind, c.payment_terms_days, c.credit_limit, int64_t{c.archived},
      c.updated_at, c.id);
}

Result<std::optional<Customer>> find(db::Connection& conn, std::string_view id) {
  SD_ASSIGN_OR_RETURN(
      auto q, conn.query(std::string("SELECT ") + kColumns + " FROM customers WHERE id = ?", id));
  SD_ASSIGN_OR_RETURN(bool has, q.step());
  if (!has) return std::optional<Customer>{};
  return std::optional<Customer>{read_row(q)};
}

Result<std::vector<Customer>> list(db::Connection& conn, const std::string& prefix,
                                   std::optional<bool> archived, const std::string& after,
                                   int64_t limit) {
  std::string pattern = like_prefix(prefix);
  int64_t archived_filter = archived ? int64_t{*archived} : -1;
  SD_ASSIGN_OR_RETURN(auto q,
                      conn.query(std::string("SELECT ") + kColumns +
                                     " FROM customers WHERE id > ? "
                                     "AND (name LIKE ? ESCAPE '\\' OR email LIKE ? "
                                     "ESCAPE '\\') AND (? < 0 OR archived = ?) "
                                     "ORDER BY id LIMIT ?",
                                 after, pattern, pattern, archived_filter, archived_filter, limit));
  return collect_rows<Customer>(q, read_row);
}

}  // namespace smartdairy::modules::parties::store
