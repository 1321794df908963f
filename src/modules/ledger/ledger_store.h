#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "db/sqlite.h"
#include "modules/ledger/ledger.h"

namespace smartdairy::modules::ledger::store {

Status insert_entry(db::Connection& tx, const std::string& id, int64_t posted_at,
                    const std::string& posted_on, const JournalDraft& draft, int64_t total);

// Sums of the entry's lines as stored: {debits, credits}.
Result<std::pair<int64_t, int64_t>> entry_sums(db::Connection& conn, const std::string& id);

Result<bool> account_exists(db::Connection& conn, std::string_view code);

// Per account, entries posted on or before `as_of` (YYYY-MM-DD; empty: all).
Result<std::vector<AccountBalance>> balances(db::Connection& conn, const std::string& as_of);

// Lines of one account, oldest first, after `after_entry` (a cursor), at most `limit`.
Result<std::vector<JournalLine>> account_lines(db::Connection& conn, std::string_view code,
                                               const std::string& after_entry, int64_t limit);

}  // namespace smartdairy::modules::ledger::store
