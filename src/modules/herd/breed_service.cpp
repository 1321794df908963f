#include "modules/herd/breed_service.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "core/uuid.h"
#include "modules/herd/animal_text.h"
#include "modules/herd/breed_store.h"
#include "modules/herd/herd.h"

namespace smartdairy::modules::herd {

namespace json = boost::json;

namespace {
constexpr size_t kMaxCode = 10;
constexpr size_t kMaxName = 100;
constexpr size_t kMaxDescription = 2000;
constexpr int64_t kMaxYieldLitres = 100;

Error not_found(const std::string& id) {
  std::string which = is_uuid(id) ? "with id '" + id + "'" : "with that id";
  return Error::not_found("breed_not_found", "There is no breed " + which +
                                                 ". List them with GET /api/v1/herd/breeds.");
}

Error code_taken(const std::string& code) {
  Error e = Error::conflict("breed_code_taken", "Another breed already has the code '" + code +
                                                    "'. Choose a different code.");
  e.details.emplace_back("code");
  return e;
}

Result<std::string> clean_kind(const std::string& kind) {
  if (!one_of(kBreedKinds, kind)) {
    return field_error("kind", "Field 'kind' must be one of dairy, beef, dual, indigenous.");
  }
  return kind;
}

Result<std::optional<int64_t>> clean_yield(const std::optional<std::string>& litres) {
  if (!litres) return std::optional<int64_t>{};
  auto ml = parse_litres(trim_blanks(*litres), kMaxYieldLitres);
  if (!ml) {
    return field_error("avg_yield_litres",
                       "Field 'avg_yield_litres' must be litres per day as a decimal from 0 to " +
                           std::to_string(kMaxYieldLitres) +
                           " with at most 3 decimals, e.g. \"18.5\".");
  }
  return std::optional<int64_t>{*ml};
}

Status check_gestation(int64_t days) {
  if (days < 240 || days > 320) {
    return field_error("gestation_days",
                       "Field 'gestation_days' must be from 240 to 320 days (283 by default).");
  }
  return {};
}

json::object event_data(const Breed& b) {
  return {{"code", b.code},
          {"name", b.name},
          {"kind", b.kind},
          {"avg_yield_ml", b.avg_yield_ml ? json::value(*b.avg_yield_ml) : json::value()},
          {"gestation_days", b.gestation_days}};
}
}  // namespace

Result<Breed> BreedService::create(db::Connection& tx, const NewBreed& in,
                                   const std::string& actor) {
  Breed b;
  SD_ASSIGN_OR_RETURN(b.code, clean_code("code", in.code, kMaxCode, "breed code"));
  SD_ASSIGN_OR_RETURN(b.name, clean_text("name", in.name, kMaxName));
  SD_ASSIGN_OR_RETURN(b.kind, clean_kind(in.kind));
  SD_ASSIGN_OR_RETURN(b.avg_yield_ml, clean_yield(in.avg_yield_litres));
  b.gestation_days = in.gestation_days.value_or(283);
  SD_RETURN_IF_ERROR(check_gestation(b.gestation_days));
  if (in.description) {
    SD_ASSIGN_OR_RETURN(b.description,
                        clean_text("description", *in.description, kMaxDescription, true));
  }
  SD_ASSIGN_OR_RETURN(auto holder, store::find_breed_by_code(tx, b.code));
  if (holder) return code_taken(b.code);
  b.id = new_uuid_v7();
  b.created_at = ctx_.clock.now_micros();
  b.updated_at = b.created_at;
  SD_RETURN_IF_ERROR(store::insert_breed(tx, b));
  SD_RETURN_IF_ERROR(
      append_herd_event(tx, ctx_.clock, "breed.created", "breed", b.id, actor, event_data(b)));
  return b;
}

Result<Breed> BreedService::update(db::Connection& tx, const std::string& id,
                                   const BreedChanges& ch, const std::string& actor) {
  if (!is_uuid(id)) return not_found(id);
  SD_ASSIGN_OR_RETURN(auto found, store::find_breed(tx, id));
  if (!found) return not_found(id);
  Breed b = *found;
  json::array changed;
  if (ch.code) {
    SD_ASSIGN_OR_RETURN(std::string code, clean_code("code", *ch.code, kMaxCode, "breed code"));
    if (code != b.code) {
      SD_ASSIGN_OR_RETURN(auto holder, store::find_breed_by_code(tx, code));
      if (holder) return code_taken(code);
      b.code = std::move(code);
      changed.emplace_back("code");
    }
  }
  if (ch.name) {
    SD_ASSIGN_OR_RETURN(std::string name, clean_text("name", *ch.name, kMaxName));
    if (name != b.name) {
      b.name = std::move(name);
      changed.emplace_back("name");
    }
  }
  if (ch.kind) {
    SD_ASSIGN_OR_RETURN(std::string kind, clean_kind(*ch.kind));
    if (kind != b.kind) {
      b.kind = std::move(kind);
      changed.emplace_back("kind");
    }
  }
  if (ch.avg_yield_litres) {
    SD_ASSIGN_OR_RETURN(auto ml, clean_yield(*ch.avg_yield_litres));
    if (ml != b.avg_yield_ml) {
      b.avg_yield_ml = ml;
      changed.emplace_back("avg_yield_litres");
    }
  }
  if (ch.gestation_days) {
    SD_RETURN_IF_ERROR(check_gestation(*ch.gestation_days));
    if (*ch.gestation_days != b.gestation_days) {
      b.gestation_days = *ch.gestation_days;
      changed.emplace_back("gestation_days");
    }
  }
  if (ch.description) {
    std::optional<std::string> d;
    if (*ch.description) {
      SD_ASSIGN_OR_RETURN(d, clean_text("description", **ch.description, kMaxDescription, true));
    }
    if (d != b.description) {
      b.description = std::move(d);
      changed.emplace_back("description");
    }
  }
  if (changed.empty()) return b;
  b.updated_at = ctx_.clock.now_micros();
  SD_RETURN_IF_ERROR(store::update_breed(tx, b));
  json::object data = event_data(b);
  data["changed"] = std::move(changed);
  SD_RETURN_IF_ERROR(
      append_herd_event(tx, ctx_.clock, "breed.updated", "breed", b.id, actor, data));
  return b;
}

Result<Breed> BreedService::get(db::Connection& c, const std::string& id) const {
  if (!is_uuid(id)) return not_found(id);
  SD_ASSIGN_OR_RETURN(auto found, store::find_breed(c, id));
  if (!found) return not_found(id);
  return std::move(*found);
}

Result<Listing<Breed>> BreedService::list(db::Connection& c, const std::string& after,
                                          int64_t limit) const {
  SD_ASSIGN_OR_RETURN(auto rows, store::list_breeds(c, after, limit + 1));
  return make_listing(std::move(rows), limit, [](const Breed& b) { return b.code; });
}

}  // namespace smartdairy::modules::herd
