#include "modules/ledger/ledger_service.h"

#include <limits>

#include "core/uuid.h"
#include "modules/ledger/ledger_store.h"

namespace smartdairy::modules::ledger {

namespace {
Result<int64_t> checked_add(int64_t a, int64_t b) {
  if (b > 0 && a > std::numeric_limits<int64_t>::max() - b) {
    return Error::unprocessable("amount_out_of_range", "The journal entry's total is too large.");
  }
  return a + b;
}
}  // namespace

Result<std::string> post(db::Connection& tx, const ModuleContext& ctx, JournalDraft draft) {
  std::erase_if(draft.postings, [](const Posting& p) { return p.debit == 0 && p.credit == 0; });
  if (draft.postings.empty()) return std::string();
  int64_t debits = 0;
  int64_t credits = 0;
  for (const auto& p : draft.postings) {
    if (p.debit < 0 || p.credit < 0 || (p.debit != 0 && p.credit != 0)) {
      return Error::internal("journal posting must be one-sided and non-negative: " + p.account);
    }
    SD_ASSIGN_OR_RETURN(debits, checked_add(debits, p.debit));
    SD_ASSIGN_OR_RETURN(credits, checked_add(credits, p.credit));
  }
  if (debits != credits) {
    return Error::internal("unbalanced journal entry for " + draft.source_type + " " +
                           draft.source_id + ": debits " + std::to_string(debits) + " != credits " +
                           std::to_string(credits));
  }
  std::string id = new_uuid_v7();
  // journal_lines.account_code references accounts (foreign keys are on): an unknown
  // account is refused by the insert itself.
  Status inserted =
      store::insert_entry(tx, id, ctx.clock.now_micros(), format_date(ctx.today()), draft, debits);
  if (!inserted.ok()) {
    return Error::internal("journal entry for " + draft.source_type + " " + draft.source_id +
                           " refused: " + inserted.error().message);
  }
  SD_ASSIGN_OR_RETURN(auto sums, store::entry_sums(tx, id));
  if (sums.first != debits || sums.second != credits) {
    return Error::internal("journal entry " + id + " stored unbalanced");
  }
  return id;
}

std::vector<Posting> reversed(const std::vector<Posting>& postings) {
  std::vector<Posting> out;
  out.reserve(postings.size());
  for (const auto& p : postings) out.push_back({p.account, p.credit, p.debit});
  return out;
}

Result<TrialBalance> trial_balance(db::Connection& conn, const std::string& as_of) {
  TrialBalance tb;
  SD_ASSIGN_OR_RETURN(tb.accounts, store::balances(conn, as_of));
  for (const auto& a : tb.accounts) {
    tb.total_debit += a.debit;
    tb.total_credit += a.credit;
  }
  return tb;
}

}  // namespace smartdairy::modules::ledger
