// The storage floor of one order: the SQL statements that placing an order (3 lines), issuing
// its invoice and updating the views run, with the same schema (the embedded migrations), the
// same write connection (WAL, synchronous=FULL, the checkpointer beside it) and group commit
// through the same writer — and nothing else: no HTTP, no JSON building or parsing, no
// business rules. What it reports is what SQLite itself costs per order on this machine, so
// the most orders/s one writer thread could commit with this storage shape.
//
//   order_rows [--orders N] [--batch B] [--dir DIR]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <future>
#include <string>

#include "db/database.h"

using namespace smartdairy;

namespace {

// Event payloads of the sizes the server writes for a 3-line order (measured: order.created
// ~800 bytes, stock.reserved ~440, invoice.issued ~370).
std::string payload(size_t bytes) { return "{\"pad\":\"" + std::string(bytes - 10, 'x') + "\"}"; }

std::string uuid_like(int64_t n) {
  char out[40];
  std::snprintf(out, sizeof out, "0193a000-0000-7000-8000-%012llx", static_cast<long long>(n));
  return out;
}

// Stops the run on the first failed statement: a floor measured on failing SQL is no floor.
void must(const Status& st, const char* what) {
  if (!st.ok()) {
    std::fprintf(stderr, "order_rows: %s: %s\n", what, st.error().message.c_str());
    std::exit(1);
  }
}

template <class T>
T must(Result<T> r, const char* what) {
  if (!r.ok()) {
    std::fprintf(stderr, "order_rows: %s: %s\n", what, r.error().message.c_str());
    std::exit(1);
  }
  return std::move(*r);
}

struct Counters {
  int64_t next_id = 0;
  int64_t seq = 0;
};

// One order as the server writes it (sales, inventory, outbox).
void place(db::Connection& tx, Counters& c, int64_t order_no) {
  const std::string order_id = uuid_like(++c.next_id);
  must(tx.scalar_int64("INSERT INTO document_sequences (name, last_value) VALUES ('SO', 1) ON "
                       "CONFLICT (name) DO UPDATE SET last_value = last_value + 1 RETURNING "
                       "last_value"),
       "number");
  must(tx.scalar_text("SELECT name FROM customers WHERE id = 'bench-customer'"), "customer");
  for (int line = 1; line <= 3; ++line) {
    const std::string sku = "FLOOR-" + std::to_string((order_no + line) % 10);
    must(tx.scalar_text("SELECT name FROM products WHERE sku = ?", sku), "product");
    must(tx.scalar_int64("UPDATE stock_items SET reserved = reserved + ?, updated_at = ? WHERE "
                         "sku = ? AND reserved + ? BETWEEN 0 AND on_hand RETURNING reserved",
                         int64_t{2}, order_no, sku, int64_t{2}),
         "reserve");
  }
  char number[24];
  std::snprintf(number, sizeof number, "SO-%06lld", static_cast<long long>(order_no));
  must(tx.execute("INSERT INTO orders (id, number, customer_id, customer_name, status, currency, "
                  "subtotal, vat_total, total, notes, placed_on, version, created_at, "
                  "updated_at, created_by) VALUES (?, ?, 'bench-customer', 'Bench', 'placed', "
                  "'BDT', 30000, 4500, 34500, NULL, '2026-12-03', 1, ?, ?, 'bench')",
                  order_id, std::string(number), order_no, order_no),
       "order");
  for (int line = 1; line <= 3; ++line) {
    must(tx.execute("INSERT INTO order_lines (order_id, line_no, sku, name, qty, unit, "
                    "unit_price, vat_rate, net, vat, total) VALUES (?, ?, ?, 'Product', 2, "
                    "'piece', 5000, 1500, 10000, 1500, 11500)",
                    order_id, int64_t{line}, "FLOOR-" + std::to_string((order_no + line) % 10)),
         "order line");
  }
  for (size_t bytes : {size_t{440}, size_t{800}}) {
    must(tx.execute("INSERT INTO events_log (seq, id, type, aggregate_type, aggregate_id, "
                    "occurred_at, actor, data) VALUES (?, ?, 'order.created', 'order', ?, ?, "
                    "'bench', ?)",
                    ++c.seq, uuid_like(++c.next_id), order_id, order_no, payload(bytes)),
         "event");
  }
}

// Its invoice (billing, ledger, outbox) and its view rows (analytics), as the in-batch
// consumers write them.
void invoice(db::Connection& tx, Counters& c, int64_t order_no) {
  const std::string order_id = uuid_like(order_no);
  const std::string invoice_id = uuid_like(++c.next_id);
  const std::string entry_id = uuid_like(++c.next_id);
  must(tx.scalar_int64("SELECT 1 FROM invoices WHERE order_id = ?", order_id), "settled");
  must(tx.scalar_int64("INSERT INTO document_sequences (name, last_value) VALUES ('INV', 1) ON "
                       "CONFLICT (name) DO UPDATE SET last_value = last_value + 1 RETURNING "
                       "last_value"),
       "number");
  char number[24];
  std::snprintf(number, sizeof number, "INV-%06lld", static_cast<long long>(order_no));
  must(tx.execute("INSERT INTO invoices (id, number, order_id, order_number, customer_id, "
                  "customer_name, customer_email, status, issue_date, due_date, currency, "
                  "subtotal, vat_total, total, created_at, updated_at) VALUES (?, ?, ?, 'SO', "
                  "'bench-customer', 'Bench', 'bench@example.com', 'issued', '2026-12-03', "
                  "'2027-01-02', 'BDT', 30000, 4500, 34500, ?, ?)",
                  invoice_id, std::string(number), order_id, order_no, order_no),
       "invoice");
  for (int line = 1; line <= 3; ++line) {
    must(tx.execute("INSERT INTO invoice_lines (invoice_id, line_no, sku, description, qty, "
                    "unit, unit_price, vat_rate, net, vat, total) VALUES (?, ?, 'FLOOR-1', "
                    "'Product', 2, 'piece', 5000, 1500, 10000, 1500, 11500)",
                    invoice_id, int64_t{line}),
         "invoice line");
  }
  must(tx.execute("INSERT INTO journal_entries (id, posted_at, posted_on, memo, source_type, "
                  "source_id, actor, total_debit, total_credit) VALUES (?, ?, '2026-12-03', "
                  "'Invoice', 'invoice', ?, 'billing', 34500, 34500)",
                  entry_id, order_no, invoice_id),
       "journal entry");
  const char* accounts[] = {"1100", "4000", "2200"};
  const int64_t debit[] = {34500, 0, 0};
  const int64_t credit[] = {0, 30000, 4500};
  for (int i = 0; i < 3; ++i) {
    must(tx.execute("INSERT INTO journal_lines (entry_id, line_no, account_code, debit, credit) "
                    "VALUES (?, ?, ?, ?, ?)",
                    entry_id, int64_t{i + 1}, std::string(accounts[i]), debit[i], credit[i]),
         "journal line");
  }
  must(tx.execute("INSERT INTO events_log (seq, id, type, aggregate_type, aggregate_id, "
                  "occurred_at, actor, data) VALUES (?, ?, 'invoice.issued', 'invoice', ?, ?, "
                  "'billing', ?)",
                  ++c.seq, uuid_like(++c.next_id), invoice_id, order_no, payload(370)),
       "event");
  must(tx.execute("INSERT INTO analytics_order_facts (order_id, status) VALUES (?, 'placed')",
                  order_id),
       "order fact");
  must(tx.execute("INSERT INTO analytics_receivables (invoice_id, number, customer_id, due_date, "
                  "total, amount_due) VALUES (?, ?, 'bench-customer', '2027-01-02', 34500, "
                  "34500)",
                  invoice_id, std::string(number)),
       "receivable");
}

// Once a batch: the consumers' cursors and the per-day and per-product sums.
void batch_end(db::Connection& tx, Counters& c) {
  for (const char* consumer : {"billing.invoicer", "analytics.views"}) {
    must(tx.execute("INSERT INTO consumer_offsets (consumer, last_seq, updated_at) VALUES (?, ?, "
                    "0) ON CONFLICT (consumer) DO UPDATE SET last_seq = excluded.last_seq",
                    std::string(consumer), c.seq),
         "cursor");
  }
  must(tx.execute("INSERT INTO analytics_sales_by_day (day, orders, subtotal, vat_total, total) "
                  "VALUES ('2026-12-03', 64, 1, 1, 1) ON CONFLICT (day) DO UPDATE SET orders = "
                  "orders + excluded.orders"),
       "day");
  for (int i = 0; i < 10; ++i) {
    must(tx.execute("INSERT INTO analytics_revenue_by_product (day, sku, qty, net, vat, total) "
                    "VALUES ('2026-12-03', ?, 1, 1, 1, 1) ON CONFLICT (day, sku) DO UPDATE SET "
                    "qty = qty + 1",
                    "FLOOR-" + std::to_string(i)),
         "product sums");
  }
}

}  // namespace

int main(int argc, char** argv) {
  int64_t orders = 20480;
  int64_t batch = 64;
  std::string dir;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--orders")) orders = std::atoll(argv[i + 1]);
    if (!std::strcmp(argv[i], "--batch")) batch = std::atoll(argv[i + 1]);
    if (!std::strcmp(argv[i], "--dir")) dir = argv[i + 1];
  }
  if (dir.empty()) {
    char tmpl[] = "/tmp/sd-order-rows-XXXXXX";
    dir = mkdtemp(tmpl);
  }
  std::filesystem::create_directories(dir);
  db::DatabaseOptions opts;
  opts.path = dir + "/bench.db";
  auto db = must(db::Database::open(opts, db::embedded_migrations()), "open");
  auto& writer = db->writer();
  writer.start();
  auto run = [&](std::function<bool(db::Connection&)> job) {
    std::promise<Status> done;
    must(writer.submit({std::move(job), [&](const Status& st) { done.set_value(st); }}), "submit");
    must(done.get_future().get(), "commit");
  };
  run([](db::Connection& tx) {
    must(tx.exec("INSERT INTO customers (id, name, email, phone, kind, payment_terms_days, "
                 "created_at, updated_at) VALUES ('bench-customer', 'Bench', "
                 "'bench@example.com', '1', 'b2b', 30, 0, 0)"),
         "customer");
    for (int i = 0; i < 10; ++i) {
      std::string sku = "FLOOR-" + std::to_string(i);
      must(tx.execute("INSERT INTO products (sku, name, description, unit, price, vat_rate, "
                      "unit_cost, active, created_at, updated_at) VALUES (?, 'Product', '', "
                      "'piece', 5000, 1500, 3000, 1, 0, 0)",
                      sku),
           "product");
      must(tx.execute("INSERT INTO stock_items (sku, on_hand, reserved, reorder_point, "
                      "updated_at) VALUES (?, 1000000000, 0, 0, 0)",
                      sku),
           "stock");
    }
    return true;
  });
  Counters c;
  c.seq = 1000;
  c.next_id = 0;
  int64_t placed = 0;
  auto started = std::chrono::steady_clock::now();
  while (placed < orders) {
    const int64_t first = placed;
    const int64_t n = std::min(batch, orders - placed);
    // One job a batch, as the server's writer would run n orders and then its consumers.
    run([&, first, n](db::Connection& tx) {
      for (int64_t i = 1; i <= n; ++i) {
        must(tx.exec("SAVEPOINT cmd"), "savepoint");
        place(tx, c, first + i);
        must(tx.exec("RELEASE cmd"), "release");
      }
      for (int64_t i = 1; i <= n; ++i) invoice(tx, c, first + i);
      batch_end(tx, c);
      return true;
    });
    placed += n;
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const auto count = static_cast<double>(placed);
  std::printf(
      "order_rows: %lld orders in batches of %lld: %.1f us of SQLite per order (%.0f orders/s on "
      "one core, nothing else running)\n",
      static_cast<long long>(placed), static_cast<long long>(batch), secs * 1e6 / count,
      count / secs);
  writer.stop();
  db->close();
  std::filesystem::remove_all(dir);
  return 0;
}
