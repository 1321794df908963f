#pragma once

// Breeding (issue 5): services (natural, AI, embryo transfer), pregnancy checks and the
// breeding calendar. Calvings close a service; they belong to the animals part.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/dates.h"

namespace smartdairy::modules::herd {

inline constexpr std::array<std::string_view, 5> kServiceStatuses = {
    "pending", "confirmed", "negative", "aborted", "calved"};
inline constexpr std::array<std::string_view, 3> kCheckResults = {"confirmed", "negative",
                                                                  "aborted"};
inline constexpr std::array<std::string_view, 6> kCheckMethods = {
    "echography", "palpation", "blood", "milk", "visual", "other"};

// A pending service at least this old may be followed by a new one: the cow came back on
// heat (return to oestrus 18-24 days after service, DOMAIN.md 3.1), so the earlier
// service failed and becomes negative.
inline constexpr int64_t kReturnToHeatDays = 18;

struct PregnancyCheck {
  std::string id;
  std::string service_id;
  Day day = 0;
  std::string result;
  std::optional<std::string> method;
  std::string recorded_by;
  int64_t created_at = 0;
};

// One row of herd_services, with the animal's ear tag and its checks (oldest first).
struct Service {
  std::string id;
  std::string animal_id;
  std::string ear_tag;
  Day day = 0;
  std::string method;
  std::optional<std::string> sire_id;
  std::optional<std::string> semen_batch, technician, heat_detection, notes;
  std::string status = "pending";  // the pregnancy_status column
  Day check_due = 0;
  Day expected_calving = 0;
  Day window_from = 0, window_to = 0;  // expected_calving ± calving_window_days (not stored)
  bool vwp_warning = false;
  std::string recorded_by;
  int64_t created_at = 0;
  int64_t updated_at = 0;
  std::vector<PregnancyCheck> checks;
};

struct NewService {
  std::string animal_id;
  Day day = 0;
  std::string method;
  std::optional<std::string> sire_id;
  std::optional<std::string> semen_batch, technician, heat_detection, notes;
};

// A saved service, its calving window, the warnings, and the pending service it replaced
// (marked negative: the cow returned to heat).
struct RecordedService {
  Service service;
  std::vector<std::string> warnings;
  std::optional<std::string> replaced_service_id;
};

struct NewCheck {
  Day day = 0;
  std::string result;
  std::optional<std::string> method;
};

// A check, the service after it, and the animal's status move (when there was one).
struct RecordedCheck {
  PregnancyCheck check;
  Service service;
  std::optional<std::string> status_from, status_to;
};

struct ServiceQuery {
  std::optional<std::string> animal_id;
  std::optional<std::string> status;
  std::string before;  // cursor: a service id; pages run newest first
  int64_t limit = 50;
};

// One line of the breeding calendar.
struct CalendarItem {
  std::string service_id;
  std::string animal_id;
  std::string ear_tag;
  std::optional<std::string> name;
  Day day = 0;                         // the check, calving or dry-off day
  Day expected_calving = 0;            // of the service
  bool overdue = false;                // checks_due: due before today
  Day window_from = 0, window_to = 0;  // calvings_due: expected calving ± the window
};

struct Calendar {
  Day from = 0, to = 0;
  std::vector<CalendarItem> checks_due, calvings_due, dry_offs_due;
};

}  // namespace smartdairy::modules::herd
