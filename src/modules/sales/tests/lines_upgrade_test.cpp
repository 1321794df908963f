// Migrations 0023-0026 rebuild the order, invoice and journal line tables WITHOUT ROWID and
// the outbox without its secondary indexes: a database written before them keeps every line
// and event, and the ledger's lines stay immutable.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "db/database.h"
#include "db/migrations.h"
#include "db/tests/db_test_util.h"

namespace smartdairy::db {
namespace {

std::vector<Migration> before_line_rebuild() {
  std::vector<Migration> out;
  for (const auto& m : embedded_migrations()) {
    std::string id(m.id);
    if (id.substr(id.find('/') + 1) >= "0023") break;
    out.push_back(m);
  }
  return out;
}

TEST(LinesUpgrade, LinesWrittenBeforeTheRebuildAreKept) {
  test::TempDir dir;
  auto opened = open_write_connection(dir.file("app.db"));
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  Connection& conn = **opened;
  auto first = apply_migrations(conn, before_line_rebuild());
  ASSERT_TRUE(first.ok()) << first.error().message;
  ASSERT_TRUE(conn.exec(R"sql(
    INSERT INTO customers (id, name, email, phone, kind, payment_terms_days, created_at,
      updated_at) VALUES ('c', 'Acme', 'a@example.com', '1', 'b2b', 30, 0, 0);
    INSERT INTO products (sku, name, description, unit, price, vat_rate, unit_cost, active,
      created_at, updated_at) VALUES ('A', 'Milk', '', 'litre', 100, 0, 50, 1, 0, 0);
    INSERT INTO orders (id, number, customer_id, customer_name, status, currency, subtotal,
      vat_total, total, placed_on, created_at, updated_at, created_by)
      VALUES ('o', 'SO-000001', 'c', 'Acme', 'placed', 'BDT', 300, 0, 300, '2026-12-01', 0, 0, 't');
    INSERT INTO order_lines VALUES ('o', 1, 'A', 'Milk', 2, 'litre', 100, 0, 200, 0, 200),
                                   ('o', 2, 'A', 'Milk', 1, 'litre', 100, 0, 100, 0, 100);
    INSERT INTO invoices (id, number, order_id, customer_id, customer_name, customer_email, status,
      issue_date, due_date, currency, subtotal, vat_total, total, created_at, updated_at)
      VALUES ('i', 'INV-000001', 'o', 'c', 'Acme', 'a@example.com', 'issued', '2026-12-01',
      '2026-12-31', 'BDT', 300, 0, 300, 0, 0);
    INSERT INTO invoice_lines VALUES ('i', 1, 'A', 'Milk', 3, 'litre', 100, 0, 300, 0, 300);
    INSERT INTO journal_entries (id, posted_at, posted_on, memo, source_type, source_id, actor,
      total_debit, total_credit) VALUES ('j', 0, '2026-12-01', 'Invoice', 'invoice', 'i', 't',
      300, 300);
    INSERT INTO journal_lines VALUES ('j', 1, '1100', 300, 0), ('j', 2, '4000', 0, 300);
    INSERT INTO events_log VALUES (1, 'e1', 'order.created', 'order', 'o', 5, 't', '{"id":"o"}'),
                                  (2, 'e2', 'invoice.issued', 'invoice', 'i', 6, 't', '{}');
  )sql")
                  .ok());

  auto rest = apply_migrations(conn, embedded_migrations());
  ASSERT_TRUE(rest.ok()) << rest.error().message;
  EXPECT_GE(*rest, 3);
  auto count = [&](const std::string& sql) { return conn.scalar_int64(sql)->value_or(-1); };
  EXPECT_EQ(count("SELECT sum(qty) FROM order_lines WHERE order_id = 'o'"), 3);
  EXPECT_EQ(count("SELECT total FROM invoice_lines WHERE invoice_id = 'i' AND line_no = 1"), 300);
  EXPECT_EQ(count("SELECT sum(debit) - sum(credit) FROM journal_lines WHERE entry_id = 'j'"), 0);
  for (std::string table : {"order_lines", "invoice_lines", "journal_lines"}) {
    auto sql = conn.scalar_text("SELECT sql FROM sqlite_master WHERE name = ?", table);
    ASSERT_TRUE(sql.ok() && sql->has_value()) << table;
    EXPECT_NE((*sql)->find("WITHOUT ROWID"), std::string::npos) << **sql;
  }
  EXPECT_EQ(count("SELECT count(*) FROM sqlite_master WHERE name = 'journal_lines_account'"), 1);
  EXPECT_FALSE(conn.exec("UPDATE journal_lines SET debit = 1 WHERE entry_id = 'j'").ok());
  EXPECT_FALSE(conn.exec("DELETE FROM journal_lines WHERE entry_id = 'j'").ok());
  EXPECT_EQ(count("SELECT count(*) FROM pragma_foreign_key_check"), 0);
  // The outbox keeps every event under its seq, as one B-tree.
  EXPECT_EQ(count("SELECT count(*) FROM events_log WHERE seq = 1 AND id = 'e1' AND "
                  "type = 'order.created' AND data = '{\"id\":\"o\"}'"),
            1);
  EXPECT_EQ(count("SELECT max(seq) FROM events_log"), 2);
  EXPECT_EQ(count("SELECT count(*) FROM sqlite_master WHERE tbl_name = 'events_log' AND "
                  "type = 'index'"),
            0);
}

}  // namespace
}  // namespace smartdairy::db
