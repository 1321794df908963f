#pragma once

// Text rules shared by the breed, animal, calving and import code of the herd module.

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/dates.h"
#include "core/result.h"
#include "db/sqlite.h"

namespace smartdairy::modules::herd {

// 422 "invalid_field" with details = {field}.
Error field_error(std::string_view field, std::string message);

std::string trim_blanks(std::string_view s);

// Trimmed text of 1..max bytes without control characters; `multiline` text (notes,
// descriptions) may hold line breaks and tabs.
Result<std::string> clean_text(std::string_view field, std::string_view value, size_t max,
                               bool multiline = false);

// Trimmed and upper-cased; 1..max characters of A-Z, 0-9 and '-'. `what` names the kind of
// identifier in the message ("ear tag").
Result<std::string> clean_code(std::string_view field, std::string_view value, size_t max,
                               std::string_view what);

// Litres as a decimal ("18.5", at most 3 decimals, 0..max_litres) into millilitres.
std::optional<int64_t> parse_litres(std::string_view text, int64_t max_litres);
// 18500 → "18.5"; 18000 → "18.0".
std::string format_litres(int64_t ml);

// Appends an event with `data` (JSON object) for aggregate `type`/`id`.
Status append_herd_event(db::Connection& tx, const Clock& clock, std::string type,
                         std::string aggregate_type, const std::string& aggregate_id,
                         const std::string& actor, const boost::json::object& data);

boost::json::value date_json(const std::optional<Day>& d);
boost::json::value text_json(const std::optional<std::string>& s);

}  // namespace smartdairy::modules::herd
