#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace smartdairy::modules::herd {

// A breed of cattle (herd_breeds). Codes are unique and upper-case.
struct Breed {
  std::string id;                       // UUIDv7
  std::string code;                     // 1-10 of A-Z, 0-9, '-'
  std::string name;                     // 1-100 bytes
  std::string kind;                     // dairy, beef, dual, indigenous
  std::optional<int64_t> avg_yield_ml;  // average daily yield of a cow, millilitres
  int64_t gestation_days = 283;         // 240..320
  std::optional<std::string> description;
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

// A new breed as the client sent it; the yield is litres per day as decimal text ("18.5").
struct NewBreed {
  std::string code;
  std::string name;
  std::string kind;
  std::optional<std::string> avg_yield_litres;
  std::optional<int64_t> gestation_days;
  std::optional<std::string> description;
};

// A partial update; a held nullopt clears the optional fields.
struct BreedChanges {
  std::optional<std::string> code;
  std::optional<std::string> name;
  std::optional<std::string> kind;
  std::optional<std::optional<std::string>> avg_yield_litres;
  std::optional<int64_t> gestation_days;
  std::optional<std::optional<std::string>> description;
};

}  // namespace smartdairy::modules::herd
