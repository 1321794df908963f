#include "events/outbox.h"

#include "core/uuid.h"

namespace smartdairy::events {

Result<Event> append(db::Connection& tx, EventDraft draft, const Clock& clock) {
  Event ev;
  ev.id = new_uuid_v7();
  ev.type = std::move(draft.type);
  ev.aggregate_type = std::move(draft.aggregate_type);
  ev.aggregate_id = std::move(draft.aggregate_id);
  ev.actor = std::move(draft.actor);
  ev.data = std::move(draft.data);
  ev.occurred_at = clock.now_micros();
  // seq = max + 1 under the single writer: gap-free, and a rolled-back savepoint gives its
  // number back. Portable to PostgreSQL, unlike rowid or a sequence (which leaves gaps).
  SD_ASSIGN_OR_RETURN(ev.seq, last_seq(tx));
  ++ev.seq;
  SD_RETURN_IF_ERROR(
      tx.execute("INSERT INTO events_log (seq, id, type, aggregate_type, "
                 "aggregate_id, occurred_at, actor, data) VALUES (?, ?, ?, ?, ?, "
                 "?, ?, ?)",
                 ev.seq, ev.id, ev.type, ev.aggregate_type, ev.aggregate_id, ev.occurred_at,
                 ev.actor, ev.data));
  if (tx.in_transaction()) tx.transaction_cache().last_event_seq = ev.seq;
  return ev;
}

namespace {
// Up to kMaxRows events a statement: 32, 16, ..., 1 rows, so six cached statements at most.
constexpr size_t kMaxRows = 32;

const std::string& insert_rows(size_t rows) {
  static const auto statements = [] {
    std::vector<std::string> out(kMaxRows + 1);
    for (size_t n = 1; n <= kMaxRows; n *= 2) {
      std::string sql =
          "INSERT INTO events_log (seq, id, type, aggregate_type, aggregate_id, occurred_at, "
          "actor, data) VALUES ";
      for (size_t i = 0; i < n; ++i)
        sql += i == 0 ? "(?, ?, ?, ?, ?, ?, ?, ?)" : ", (?, ?, ?, ?, ?, ?, ?, ?)";
      out[n] = std::move(sql);
    }
    return out;
  }();
  return statements[rows];
}
}  // namespace

Status append_all(db::Connection& tx, std::vector<EventDraft> drafts, const Clock& clock) {
  if (drafts.empty()) return {};
  SD_ASSIGN_OR_RETURN(int64_t seq, last_seq(tx));
  size_t at = 0;
  while (at < drafts.size()) {
    size_t n = kMaxRows;
    while (n > drafts.size() - at) n /= 2;
    SD_ASSIGN_OR_RETURN(auto q, tx.prepare(insert_rows(n)));
    int index = 1;
    for (size_t i = at; i < at + n; ++i) {
      EventDraft& d = drafts[i];
      q.bind(index++, ++seq);
      q.bind(index++, new_uuid_v7());
      q.bind(index++, d.type);
      q.bind(index++, d.aggregate_type);
      q.bind(index++, d.aggregate_id);
      q.bind(index++, clock.now_micros());
      q.bind(index++, d.actor);
      q.bind(index++, d.data);
    }
    SD_RETURN_IF_ERROR(q.run());
    if (tx.in_transaction()) tx.transaction_cache().last_event_seq = seq;
    at += n;
  }
  return {};
}

Result<std::vector<Event>> read_after(db::Connection& conn, int64_t after, int64_t limit) {
  SD_ASSIGN_OR_RETURN(
      auto q, conn.query("SELECT seq, id, type, aggregate_type, aggregate_id, occurred_at, actor, "
                         "data FROM events_log WHERE seq > ? ORDER BY seq LIMIT ?",
                         after, limit));
  std::vector<Event> out;
  for (;;) {
    SD_ASSIGN_OR_RETURN(bool row, q.step());
    if (!row) break;
    Event ev;
    ev.seq = q.int64(0);
    ev.id = q.text(1);
    ev.type = q.text(2);
    ev.aggregate_type = q.text(3);
    ev.aggregate_id = q.text(4);
    ev.occurred_at = q.int64(5);
    ev.actor = q.text(6);
    ev.data = q.text(7);
    out.push_back(std::move(ev));
  }
  return out;
}

Result<int64_t> last_seq(db::Connection& conn) {
  // Inside a write transaction the last append's seq is remembered (the connection forgets it
  // at every BEGIN, COMMIT and ROLLBACK); otherwise, and on a reader, it is looked up.
  auto& cached = conn.transaction_cache().last_event_seq;
  if (cached && conn.in_transaction()) return *cached;
  SD_ASSIGN_OR_RETURN(auto v, conn.scalar_int64("SELECT MAX(seq) FROM events_log"));
  return v.value_or(0);
}

}  // namespace smartdairy::events
