#pragma once

// JSON for the herd's breed, animal and calving routes, and the request helpers they share.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "core/money.h"
#include "core/result.h"
#include "http/message.h"
#include "modules/herd/animal.h"
#include "modules/herd/breed.h"
#include "modules/herd/calving_service.h"

namespace smartdairy::modules::herd {

boost::json::object breed_json(const Breed& b);
// The listing's summary of an animal; `today` gives its age.
boost::json::object animal_summary_json(const Animal& a, Day today);
// The summary plus acquisition, disposal, notes and timestamps.
boost::json::object animal_json(const Animal& a, Day today, Currency currency);
boost::json::object animal_detail_json(const AnimalDetail& d, Day today, Currency currency);
boost::json::object calving_json(const Calving& c, Day today, Currency currency);

// Whole months from `birth` to `today`.
int64_t age_months(Day birth, Day today);

// If-Match: absent or "*": nullopt; "3", "\"3\"" or W/"3": 3; anything else 412.
Result<std::optional<int64_t>> if_match_version(const http::Request& req);

// Splits a nested object `key` out of a JSON body: `rest` is the body without it (read it
// with a FieldReader), `nested` the object (nullptr when absent or null). 422 naming `key`
// when it is present but not an object.
struct Nested {
  boost::json::value rest;
  std::optional<boost::json::value> nested;
};
Result<Nested> split_nested(const boost::json::value& body, std::string_view key);

// A "YYYY-MM-DD" field's value or 422 naming `field`.
Result<Day> decode_day(std::string_view field, const std::string& text);

}  // namespace smartdairy::modules::herd
