#pragma once

#include <string>

#include "core/result.h"
#include "db/sqlite.h"
#include "modules/common/listing.h"
#include "modules/common/module_context.h"
#include "modules/herd/breed.h"

namespace smartdairy::modules::herd {

// Rules for breeds: unique upper-case codes, a kind from kBreedKinds, an average yield in
// litres per day (0-100, up to 3 decimals), gestation 240-320 days (default 283). Appends
// breed.created / breed.updated.
class BreedService {
 public:
  explicit BreedService(const ModuleContext& ctx) : ctx_(ctx) {}

  // 409 "breed_code_taken" when the code is in use. Requires: a write transaction.
  Result<Breed> create(db::Connection& tx, const NewBreed& in, const std::string& actor);
  // 404 "breed_not_found"; a request that changes nothing writes nothing.
  Result<Breed> update(db::Connection& tx, const std::string& id, const BreedChanges& changes,
                       const std::string& actor);
  Result<Breed> get(db::Connection& c, const std::string& id) const;
  // Breeds in code order; the cursor is the last code on the page.
  Result<Listing<Breed>> list(db::Connection& c, const std::string& after, int64_t limit) const;

 private:
  ModuleContext ctx_;
};

}  // namespace smartdairy::modules::herd
