#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <string>

#include "core/result.h"
#include "db/sqlite.h"
#include "modules/common/module_context.h"
#include "modules/herd/herd.h"

namespace smartdairy::modules::herd {

// Checks every field of the farm's settings (docs/herd.md): session end times HH:MM in the
// order of the day (morning < midday < evening < night, for the sessions in use); grade
// thresholds A ≥ B ≥ C for fat and SNF and A ≤ B ≤ C for SCC (lower is better), fat
// 1.00-10.00 %, SNF 5.00-15.00 %, SCC 0-10000; reject temperature 0.0-50.0 °C; SNF formula
// divisor 1-100, fat factor 0-1, constant -5..5; waiting period 0-365 days, pregnancy check
// 14-120, dry-off 0-120, calving window 0-30; raw_milk_sku an existing litre product.
// 422 "invalid_field" naming the field. `check_sku` false skips the product look-up (a PATCH
// that leaves raw_milk_sku alone works before the raw-milk product exists).
Status validate_settings(db::Connection& c, const HerdSettings& s, bool check_sku = true);

// The settings as JSON: percentages and factors as decimal numbers, temperature in °C.
boost::json::object settings_json(const HerdSettings& s);

// Overlays the fields present in `body` (a JSON object, any subset of settings_json's
// fields except updated_at) on `s`. Decimals are read from their text, never through a
// double. 422 for an unknown field or a value of the wrong shape.
Status apply_settings_patch(const boost::json::value& body, HerdSettings& s);

// PATCH: load, overlay, validate, save. Requires: a write transaction.
Result<HerdSettings> update_settings(db::Connection& tx, const ModuleContext& ctx,
                                     const boost::json::value& body, const std::string& actor);

}  // namespace smartdairy::modules::herd
