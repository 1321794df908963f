#pragma once

#include "core/result.h"
#include "db/sqlite.h"
#include "modules/common/module_context.h"
#include "modules/ledger/ledger.h"

namespace smartdairy::modules::ledger {

// Posts a journal entry inside the caller's write transaction. Zero postings are dropped;
// the rest must name known accounts, be one-sided and non-negative, and balance — checked
// before the insert and again against what the store holds. Returns the entry id.
Result<std::string> post(db::Connection& tx, const ModuleContext& ctx, JournalDraft draft);

// The same postings with debits and credits swapped: how a void or credit note reverses.
std::vector<Posting> reversed(const std::vector<Posting>& postings);

Result<TrialBalance> trial_balance(db::Connection& conn, const std::string& as_of);

}  // namespace smartdairy::modules::ledger
