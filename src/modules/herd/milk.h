#pragma once

// Milk recording (issue 5): one record per animal, day and session, its quality, grade and
// withdrawal state, the corrections made to it, and the postings that take saleable milk
// into stock.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/dates.h"

namespace smartdairy::modules::herd {

// Ranges of a record's values, in stored units (percentages in hundredths, temperature in
// tenths of a degree, CLR in hundredths, SCC in thousand cells/ml).
inline constexpr int64_t kMinQuantityMl = 1, kMaxQuantityMl = 100'000;
inline constexpr int64_t kMinFat = 100, kMaxFat = 1000;         // 1.00-10.00 %
inline constexpr int64_t kMinSnf = 500, kMaxSnf = 1500;         // 5.00-15.00 %
inline constexpr int64_t kMinProtein = 100, kMaxProtein = 800;  // 1.00-8.00 %
inline constexpr int64_t kMinTempDc = -50, kMaxTempDc = 600;    // -5.0-60.0 C
inline constexpr int64_t kMinScc = 0, kMaxScc = 10'000'000;     // thousand cells/ml
inline constexpr int64_t kMinClr = 1500, kMaxClr = 4500;        // CLR 15.00-45.00
inline constexpr size_t kMaxMilkNotes = 1000;
inline constexpr size_t kMaxCorrectionReason = 500;
inline constexpr size_t kMaxMilkBatch = 1000;

// What a client sends for one milking: the animal by id or ear tag, optional day and
// session (defaults: the farm's today and the session of the local time), the quantity and
// what was measured.
struct MilkInput {
  std::optional<std::string> animal_id;
  std::optional<std::string> ear_tag;
  std::optional<Day> day;
  std::optional<std::string> session;
  int64_t quantity_ml = 0;
  std::optional<int64_t> fat, snf, protein, temperature_dc, scc, lactometer_clr;
  std::optional<std::string> notes;
  std::optional<std::string> correction_reason;  // set: replace the existing record
};

struct MilkRecord {
  std::string id;
  std::string animal_id;
  std::string ear_tag;
  Day day = 0;
  std::string session;
  int64_t quantity_ml = 0;
  std::optional<int64_t> fat, snf, protein, temperature_dc, scc, lactometer_clr;
  bool snf_computed = false;  // snf came from the lactometer reading
  std::string grade;          // A, B, C or R
  bool withheld = false;
  std::optional<std::string> withheld_by;  // the health record whose withdrawal applies
  std::optional<std::string> posting_id;   // the last posting that took it into stock
  int64_t posted_ml = 0;                   // how much of it reached stock so far
  std::string recorded_by;
  std::optional<std::string> notes;
  int64_t version = 1;
  int64_t created_at = 0;
  int64_t updated_at = 0;

  // The record has reached stock exactly as it is now.
  bool posted() const { return !withheld && posted_ml == quantity_ml && posting_id.has_value(); }
};

// One entry of a record's audit trail: the values a correction replaced.
struct MilkCorrection {
  std::string id;
  std::string record_id;
  std::string previous;  // JSON object of the replaced values
  std::string reason;
  std::string actor;
  int64_t created_at = 0;
};

// A stock receipt of saleable milk for one day and session.
struct MilkPosting {
  std::string id;
  Day day = 0;
  std::string session;
  std::string sku;
  int64_t saleable_ml = 0;  // the records' change since the last posting (may be negative)
  int64_t litres = 0;       // received into stock (negative: taken back by a count)
  int64_t carry_ml = 0;     // left for the next posting
  std::string actor;
  int64_t created_at = 0;
};

struct MilkQuery {
  std::optional<Day> from, to;  // day filters (day= sets both)
  std::optional<std::string> session;
  std::optional<std::string> animal_id;
  std::optional<bool> withheld;
  std::string after;  // cursor: a record id
  int64_t limit = 50;
};

// What record() did: created a record, corrected one, or found the same values already
// there (an import of the same row again).
enum class MilkOutcome { kCreated, kCorrected, kUnchanged };

}  // namespace smartdairy::modules::herd
