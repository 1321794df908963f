#include "modules/ledger/ledger_store.h"

namespace smartdairy::modules::ledger::store {

Status insert_entry(db::Connection& tx, const std::string& id, int64_t posted_at,
                    const std::string& posted_on, const JournalDraft& draft, int64_t total) {
  SD_RETURN_IF_ERROR(tx.execute(
      "INSERT INTO journal_entries (id, posted_at, posted_on, memo, source_type, source_id, "
      "actor, total_debit, total_credit) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
      id, posted_at, posted_on, draft.memo, draft.source_type, draft.source_id, draft.actor, total,
      total));
  int64_t line_no = 0;
  for (const auto& p : draft.postings) {
    SD_RETURN_IF_ERROR(
        tx.execute("INSERT INTO journal_lines (entry_id, line_no, account_code, debit, credit) "
                   "VALUES (?, ?, ?, ?, ?)",
                   id, ++line_no, p.account, p.debit, p.credit));
  }
  return {};
}

Result<std::pair<int64_t, int64_t>> entry_sums(db::Connection& conn, const std::string& id) {
  SD_ASSIGN_OR_RETURN(auto q, conn.query("SELECT COALESCE(SUM(debit), 0), COALESCE(SUM(credit), "
                                         "0) FROM journal_lines WHERE entry_id = ?",
                                         id));
  SD_ASSIGN_OR_RETURN(bool has, q.step());
  if (!has) return std::pair<int64_t, int64_t>{0, 0};
  return std::pair<int64_t, int64_t>{q.int64(0), q.int64(1)};
}

Result<bool> account_exists(db::Connection& conn, std::string_view code) {
  SD_ASSIGN_OR_RETURN(auto n, conn.scalar_int64("SELECT 1 FROM accounts WHERE code = ?", code));
  return n.has_value();
}

Result<std::vector<AccountBalance>> balances(db::Connection& conn, const std::string& as_of) {
  SD_ASSIGN_OR_RETURN(
      auto q, conn.query("SELECT a.code, a.name, a.type, COALESCE(SUM(l.debit), 0), "
                         "COALESCE(SUM(l.credit), 0) FROM accounts a "
                         "LEFT JOIN (journal_lines l JOIN journal_entries e ON e.id = l.entry_id "
                         "AND (? = '' OR e.posted_on <= ?)) ON l.account_code = a.code "
                         "GROUP BY a.code ORDER BY a.code",
                         as_of, as_of));
  std::vector<AccountBalance> out;
  for (;;) {
    SD_ASSIGN_OR_RETURN(bool has, q.step());
    if (!has) break;
    out.push_back({q.text(0), q.text(1), q.text(2), q.int64(3), q.int64(4)});
  }
  return out;
}

Result<std::vector<JournalLine>> account_lines(db::Connection& conn, std::string_view code,
                                               const std::string& after_entry, int64_t limit) {
  SD_ASSIGN_OR_RETURN(auto q,
                      conn.query("SELECT e.id, e.posted_at, e.posted_on, e.memo, e.source_type, "
                                 "e.source_id, l.debit, l.credit FROM journal_lines l "
                                 "JOIN journal_entries e ON e.id = l.entry_id "
                                 "WHERE l.account_code = ? AND l.entry_id > ? "
                                 "ORDER BY l.entry_id, l.line_no LIMIT ?",
                                 code, after_entry, limit));
  std::vector<JournalLine> out;
  for (;;) {
    SD_ASSIGN_OR_RETURN(bool has, q.step());
    if (!has) break;
    out.push_back({q.text(0), q.int64(1), q.text(2), q.text(3), q.text(4), q.text(5), q.int64(6),
                   q.int64(7)});
  }
  return out;
}

}  // namespace smartdairy::modules::ledger::store
