#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "db/sqlite.h"
#include "modules/herd/breeding.h"

// SQL for services, pregnancy checks and the breeding calendar. Decides no business rules.
namespace smartdairy::modules::herd::store {

// The service without its checks.
Result<std::optional<Service>> find_service(db::Connection& c, const std::string& id);
Result<std::vector<PregnancyCheck>> checks_of(db::Connection& c, const std::string& service_id);
// The animal's latest service still pending or confirmed, if any.
Result<std::optional<Service>> open_service_of(db::Connection& c, const std::string& animal_id);
// Requires: a write transaction (these three).
Status insert_service(db::Connection& c, const Service& s);
Status set_service_status(db::Connection& c, const std::string& id, const std::string& status,
                          int64_t now);
Status insert_check(db::Connection& c, const PregnancyCheck& k);
// Newest first (by id), ids below q.before, at most q.limit + 1 rows; without checks.
Result<std::vector<Service>> list_services(db::Connection& c, const ServiceQuery& q);

// Pending services of kept animals with check_due <= to and (check_due >= from or
// check_due < overdue_before), by check_due.
Result<std::vector<CalendarItem>> checks_due(db::Connection& c, Day from, Day to,
                                             Day overdue_before);
// Confirmed services of kept animals with expected_calving in [from, to].
Result<std::vector<CalendarItem>> calvings_due(db::Connection& c, Day from, Day to);
// Confirmed services of kept lactating animals whose expected_calving - dry_off_days is in
// [from, to]; the item's day is that dry-off day.
Result<std::vector<CalendarItem>> dry_offs_due(db::Connection& c, Day from, Day to,
                                               int64_t dry_off_days);

}  // namespace smartdairy::modules::herd::store
