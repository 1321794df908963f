#pragma once

#include <cstdint>

namespace smartdairy::modules {

// Business limits on money, in minor units. Far above any dairy's figures (BDT: a price up
// to 1 000 000 000.00, a document up to 100 000 000 000.00), and low enough that the sums
// the ledger, the credit check and the reports make stay inside int64 for over 900 000
// documents at the maximum — so a sum never overflows into a 500.
inline constexpr int64_t kMaxUnitAmount = 100'000'000'000;        // a price or unit cost
inline constexpr int64_t kMaxDocumentTotal = 10'000'000'000'000;  // an order, invoice or move

}  // namespace smartdairy::modules
