#include "modules/billing/invoice_store.h"

#include "modules/common/rows.h"

namespace smartdairy::modules::billing::store {

namespace {
constexpr const char* kColumns =
    "id, number, order_id, order_number, customer_id, customer_name, customer_email, status, "
    "issue_date, due_date, currency, subtotal, vat_total, total, amount_paid, notes, "
    "credit_note_number, created_at, updated_at";

Invoice read_row(const db::Query& q) {
  Invoice i;
  i.id = q.text(0);
  i.number = q.text(1);
  i.order_id = q.optional_text(2);
  i.order_number = q.optional_text(3);
  i.customer_id = q.text(4);
  i.customer_name = q.text(5);
  i.customer_email = q.text(6);
  i.status = q.text(7);
  i.issue_date = q.text(8);
  i.due_date = q.text(9);
  i.currency = q.text(10);
  i.subtotal = q.int64(11);
  i.vat_total = q.int64(12);
  i.total = q.int64(13);
  i.amount_paid = q.int64(14);
  i.notes = q.optional_text(15);
  i.credit_note_number = q.optional_text(16);
  i.created_at = q.int64(17);
  i.updated_at = q.int64(18);
  return i;
}

Status load_lines(db::Connection& conn, Invoice& inv) {
  SD_ASSIGN_OR_RETURN(auto q, conn.query("SELECT sku, description, qty, unit, unit_price, "
                                         "vat_rate, net, vat, total FROM invoice_lines WHERE "
                                         "invoice_id = ? ORDER BY line_no",
                                         inv.id));
  for (;;) {
    SD_ASSIGN_OR_RETURN(bool has, q.step());
    if (!has) break;
    inv.lines.push_back({q.optional_text(0), q.text(1), q.int64(2), q.text(3), q.int64(4),
                         q.int64(5), q.int64(6), q.int64(7), q.int64(8)});
  }
  return {};
}

Result<std::optional<Invoice>> find_where(db::Connection& conn, const char* column,
                                          std::string_view value) {
  SD_ASSIGN_OR_RETURN(auto q, conn.query(std::string("SELECT ") + kColumns +
                                             " FROM invoices WHERE " + column + " = ?",
                                         value));
  SD_ASSIGN_OR_RETURN(bool has, q.step());
  if (!has) return std::optional<Invoice>{};
  Invoice inv = read_row(q);
  SD_RETURN_IF_ERROR(load_lines(conn, inv));
  return std::optional<Invoice>{std::move(inv)};
}
}  // namespace

Status insert(db::Connection& tx, const Invoice& i) {
  SD_RETURN_IF_ERROR(tx.execute(
      "INSERT INTO invoices (id, number, order_id, order_number, customer_id, customer_name, "
      "customer_email, status, issue_date, due_date, currency, subtotal, vat_total, total, "
      "amount_paid, notes, credit_note_number, created_at, updated_at) VALUES (?, ?, ?, ?, ?, "
      "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      i.id, i.number, i.order_id, i.order_number, i.customer_id, i.customer_name, i.customer_email,
      i.status, i.issue_date, i.due_date, i.currency, i.subtotal, i.vat_total, i.total,
      i.amount_paid, i.notes, i.credit_note_number, i.created_at, i.updated_at));
  int64_t n = 0;
  for (const auto& l : i.lines) {
    SD_RETURN_IF_ERROR(tx.execute(
        "INSERT INTO invoice_lines (invoice_id, line_no, sku, description, qty, unit, "
        "unit_price, vat_rate, net, vat, total) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        i.id, ++n, l.sku, l.description, l.qty, l.unit, l.unit_price, l.vat_rate, l.net, l.vat,
        l.total));
  }
  return {};
}

Status update_payment_state(db::Connection& tx, const Invoice& i) {
  return tx.execute("UPDATE invoices SET amount_paid = ?, status = ?, updated_at = ? WHERE id = ?",
                    i.amount_paid, i.status, i.updated_at, i.id);
}

Status mark_void(db::Connection& tx, const std::string& id, const std::string& credit_note_number,
                 int64_t now) {
  return tx.execute(
      "UPDATE invoices SET status = 'void', credit_note_number = ?, updated_at = ? WHERE id = ?",
      credit_note_number, now, id);
}

Result<std::optional<Invoice>> find(db::Connection& conn, std::string_view id) {
  return find_where(conn, "id", id);
}

Result<std::optional<Invoice>> find_by_order(db::Connection& conn, std::string_view order_id) {
  return find_where(conn, "order_id", order_id);
}

Result<std::vector<Invoice>> list(db::Connection& conn, const InvoiceFilter& f,
                                  const std::string& after, int64_t limit) {
  SD_ASSIGN_OR_RETURN(
      auto q,
      conn.query(std::string("SELECT ") + kColumns +
                     " FROM invoices WHERE id > ? AND (? IS NULL OR status "
                     "= ?) AND (? IS NULL OR customer_id = ?) AND (? IS NULL OR order_id = ?) "
                     "AND (? IS NULL OR (due_date < ? AND status IN ('issued', "
                     "'partially_paid'))) ORDER BY id LIMIT ?",
                 after, f.status, f.status, f.customer_id, f.customer_id, f.order_id, f.order_id,
                 f.overdue_before, f.overdue_before, limit));
  return collect_rows<Invoice>(q, read_row);
}

Status insert_payment(db::Connection& tx, const Payment& p) {
  return tx.execute(
      "INSERT INTO payments (id, invoice_id, amount, method, reference, received_at, "
      "recorded_at, actor) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      p.id, p.invoice_id, p.amount, p.method, p.reference, p.received_at, p.recorded_at, p.actor);
}

Result<std::vector<Payment>> payments(db::Connection& conn, std::string_view invoice_id) {
  SD_ASSIGN_OR_RETURN(auto q, conn.query("SELECT id, invoice_id, amount, method, reference, "
                                         "received_at, recorded_at, actor FROM payments WHERE "
                                         "invoice_id = ? ORDER BY id",
                                         invoice_id));
  std::vector<Payment> out;
  for (;;) {
    SD_ASSIGN_OR_RETURN(bool has, q.step());
    if (!has) break;
    out.push_back({q.text(0), q.text(1), q.int64(2), q.text(3), q.optional_text(4), q.int64(5),
                   q.int64(6), q.text(7)});
  }
  return out;
}

Status insert_credit_note(db::Connection& tx, const std::string& id, const std::string& number,
                          const std::string& invoice_id, int64_t amount, const std::string& reason,
                          int64_t now) {
  return tx.execute(
      "INSERT INTO credit_notes (id, number, invoice_id, amount, reason, created_at) VALUES (?, "
      "?, ?, ?, ?, ?)",
      id, number, invoice_id, amount, reason, now);
}

Status mark_order_cancelled(db::Connection& tx, std::string_view order_id, int64_t now) {
  return tx.execute(
      "INSERT INTO billing_cancelled_orders (order_id, cancelled_at) VALUES (?, ?) "
      "ON CONFLICT (order_id) DO NOTHING",
      order_id, now);
}

Result<bool> order_settled(db::Connection& conn, std::string_view order_id) {
  SD_ASSIGN_OR_RETURN(
      auto n, conn.scalar_int64("SELECT EXISTS (SELECT 1 FROM invoices WHERE order_id = ?) OR "
                                "EXISTS (SELECT 1 FROM billing_cancelled_orders WHERE "
                                "order_id = ?)",
                                order_id, order_id));
  return n.value_or(0) != 0;
}

Result<int64_t> paid_on_order_invoices(db::Connection& conn, std::string_view customer_id) {
  SD_ASSIGN_OR_RETURN(auto n, conn.scalar_int64("SELECT COALESCE(SUM(amount_paid), 0) FROM "
                                                "invoices WHERE customer_id = ? AND order_id IS "
                                                "NOT NULL AND status <> 'void'",
                                                customer_id));
  return n.value_or(0);
}

Result<int64_t> due_on_standalone_invoices(db::Connection& conn, std::string_view customer_id) {
  SD_ASSIGN_OR_RETURN(auto n, conn.scalar_int64("SELECT COALESCE(SUM(total - amount_paid), 0) "
                                                "FROM invoices WHERE customer_id = ? AND "
                                                "order_id IS NULL AND status <> 'void'",
                                                customer_id));
  return n.value_or(0);
}

}  // namespace smartdairy::modules::billing::store
