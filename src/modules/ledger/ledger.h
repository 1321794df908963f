#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace smartdairy::modules::ledger {

// The seeded chart of accounts (migrations/0013_ledger.sql).
namespace account {
inline constexpr std::string_view kCash = "1000";
inline constexpr std::string_view kBank = "1010";
inline constexpr std::string_view kBkash = "1020";
inline constexpr std::string_view kCardClearing = "1030";
inline constexpr std::string_view kReceivable = "1100";
inline constexpr std::string_view kInventory = "1300";
inline constexpr std::string_view kGoodsReceived = "2100";
inline constexpr std::string_view kVatPayable = "2200";
inline constexpr std::string_view kSalesRevenue = "4000";
inline constexpr std::string_view kCostOfGoodsSold = "5000";
inline constexpr std::string_view kInventoryAdjustments = "5200";
}  // namespace account

struct Posting {
  std::string account;
  int64_t debit = 0;   // minor units
  int64_t credit = 0;  // minor units
};

// What a module hands the ledger: a balanced set of postings about one source document.
struct JournalDraft {
  std::string source_type;  // invoice, payment, shipment, credit_note, stock_adjustment
  std::string source_id;
  std::string memo;
  std::string actor;
  std::vector<Posting> postings;
};

struct JournalLine {
  std::string entry_id;
  int64_t posted_at = 0;
  std::string posted_on;
  std::string memo;
  std::string source_type;
  std::string source_id;
  int64_t debit = 0;
  int64_t credit = 0;
};

struct AccountBalance {
  std::string code;
  std::string name;
  std::string type;
  int64_t debit = 0;   // sum of debits
  int64_t credit = 0;  // sum of credits
};

struct TrialBalance {
  std::vector<AccountBalance> accounts;
  int64_t total_debit = 0;
  int64_t total_credit = 0;
};

}  // namespace smartdairy::modules::ledger
