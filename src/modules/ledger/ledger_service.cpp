#include "modules/ledger/ledger_service.h"

#include "core/uuid.h"
#include "modules/common/amounts.h"
#include "modules/ledger/ledger_store.h"

namespace smartdairy::modules::ledger {

Result<std::string> post(db::Connection& tx, const ModuleContext& ctx, JournalDraft draft) {
  std::erase_if(draft.postings, [](const Posting& p) { return p.debit == 0 && p.credit == 0; });
  if (draft.postings.empty()) return std::string();
  constexpr std::string_view kTooLarge = "The journal entry's total is too large.";
  int64_t debits = 0;
  int64_t credits = 0;
  for (const auto& p : draft.postings) {
    if (p.debit < 0 || p.credit < 0 || (p.debit != 0 && p.credit != 0)) {
      return Error::internal("journal posting must be one-sided and non-negative: " + p.account);
    }
    SD_ASSIGN_OR_RETURN(debits, checked_add(debits, p.debit, kTooLarge));
    SD_ASSIGN_OR_RETURN(credits, checked_add(credits, p.credit, kTooLarge));
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
