#include "app/demo_herd.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/dates.h"
#include "core/money.h"
#include "modules/herd/animal_service.h"
#include "modules/herd/breed_service.h"
#include "modules/herd/breeding_service.h"
#include "modules/herd/calving_service.h"
#include "modules/herd/health_service.h"
#include "modules/herd/milk_posting.h"
#include "modules/herd/milk_service.h"

namespace smartdairy::app {

namespace {

namespace herd = modules::herd;

constexpr const char* kActor = "demo";
constexpr int64_t kMinute = 60'000'000;

// The minute of the day at hh:mm.
constexpr int64_t hm(int64_t hours, int64_t minutes = 0) { return hours * 60 + minutes; }

// The clock the loader moves to the moment each record is dated, so the services' "today",
// created_at and event times are those of the day it happened.
class DatedClock final : public Clock {
 public:
  explicit DatedClock(int64_t now) : now_(now) {}
  int64_t now_micros() const override { return now_; }
  std::chrono::steady_clock::time_point steady_now() const override {
    return std::chrono::steady_clock::time_point(std::chrono::microseconds(now_));
  }
  void set(int64_t micros) { now_ = micros; }

 private:
  int64_t now_;
};

struct DemoBreed {
  const char* code;
  const char* name;
  const char* kind;
  const char* avg_yield;
  int64_t gestation;
  const char* description;
  int64_t peak_ml;  // a cow's day at the peak of her lactation
  int64_t fat;      // hundredths of a percent
  int64_t snf;
  int share;  // of the cows, in percent
};

constexpr DemoBreed kBreeds[] = {
    {"HF", "Holstein Friesian", "dairy", "18", 279, "High-yield dairy breed", 21000, 355, 850, 35},
    {"JER", "Jersey", "dairy", "12", 278, "Rich milk, high fat", 13500, 480, 905, 10},
    {"SAH", "Sahiwal", "dairy", "10", 283, "Heat-tolerant zebu dairy breed", 11500, 460, 890, 15},
    {"RCC", "Red Chittagong", "indigenous", "4.5", 283, "Local breed of Chattogram", 6500, 500, 900,
     10},
    {"HFX", "Holstein x local cross", "dual", "12", 283, "Crossbred for local conditions", 15500,
     390, 860, 30},
};

constexpr const char* kCowNames[] = {
    "Laxmi",  "Bela",   "Mala",   "Shapla", "Kajol", "Rani",   "Moyna",  "Tuni",   "Champa",
    "Sonali", "Dhala",  "Kali",   "Lali",   "Putul", "Megh",   "Jhumur", "Chumki", "Shimul",
    "Padma",  "Jamuna", "Meghna", "Tista",  "Rupa",  "Sathi",  "Bokul",  "Beli",   "Hena",
    "Jui",    "Koli",   "Mukta",  "Nodi",   "Pakhi", "Rupali", "Shikha", "Tara",   "Urmi",
    "Anjana", "Bristi", "Chanda", "Doli",   "Ela",   "Fulki",  "Gouri",  "Hira",   "Ira",
    "Joba",   "Kanon",  "Lata",   "Mohua",  "Nupur", "Oishi",  "Parul",  "Rekha",  "Sima",
    "Tumpa",  "Dipa",   "Ratri",  "Sandhya"};
constexpr const char* kBullNames[] = {"Raja", "Sultan", "Badshah", "Bahadur",
                                      "Kalu", "Lal",    "Tiger",   "Babu"};

// Fixed pseudo-random numbers: the same herd for the same farm day.
class Rng {
 public:
  explicit Rng(uint32_t seed) : state_(seed) {}
  uint32_t next(uint32_t n) {
    state_ = state_ * 1664525U + 1013904223U;
    return (state_ >> 8) % n;
  }
  // A factor of 1 ± spread / 1000.
  double jitter(uint32_t spread) {
    return 1.0 + (static_cast<double>(next(2 * spread + 1)) - spread) / 1000.0;
  }

 private:
  uint32_t state_;
};

template <class T>
Status status_of(const Result<T>& r) {
  return r.ok() ? Status() : Status(r.error());
}

// A cow of the plan, with what the loader needs after registering her.
struct Cow {
  std::string id;
  std::string ear_tag;
  size_t breed = 0;
  Day birth = 0;
  Day acquired = 0;
  std::optional<Day> planned;    // the day of the calving the demo records for her
  std::optional<Day> calving;    // once recorded
  Day lactation_start = 0;       // for the lactation curve of her milk
  std::optional<Day> last_milk;  // the day before her dry-off (a cow dry now)
  double factor = 1.0;           // her yield against her breed's
  std::vector<Day> daughters;    // birth days of the offspring registered with her as dam
};

class Loader {
 public:
  Loader(db::Connection& tx, const modules::ModuleContext& ctx)
      : tx_(tx),
        now_(ctx.clock.now_micros()),
        today_(ctx.today()),
        offset_(ctx.utc_offset_minutes),
        clock_(now_),
        dated_{ctx.db, clock_, ctx.currency, ctx.utc_offset_minutes},
        rng_(static_cast<uint32_t>(20261203 + today_ % 7)),
        breeds_(dated_),
        animals_(dated_),
        calvings_(dated_, animals_),
        health_(dated_),
        breeding_(dated_),
        milk_(dated_) {}

  Status run();

 private:
  // Moves the clock to `minute` (local) of `day`, never past the real now.
  void at(Day day, int64_t minute = hm(9)) {
    clock_.set(std::min(now_, local_midnight_micros(day, offset_) + minute * kMinute));
  }
  std::string next_tag() {
    std::array<char, 16> buf{};
    std::snprintf(buf.data(), buf.size(), "BD-%04d", ++tags_);
    return buf.data();
  }
  std::optional<std::string> next_name() {
    if (names_ >= std::size(kCowNames)) return std::nullopt;
    return std::string(kCowNames[names_++]);
  }
  // A bull for a recent service: a kept bull, the young ones included.
  size_t recent_sire() {
    size_t k = rng_.next(6);
    return k < 4 ? k : k + 2;
  }
  // The expected calving of the k-th dry cow: all due within two months.
  Day dry_expected(size_t k) const { return today_ + 1 + static_cast<Day>(k) * 57 / 22; }
  Money bdt(int64_t taka) const { return Money::from_minor(taka * 100, dated_.currency); }

  Status make_breeds();
  Result<std::string> register_animal(herd::NewAnimal in, Day at_day);
  Status make_bulls();
  Status make_foundation_cows();
  Result<size_t> pick_dam(Day birth);
  Result<std::string> born_on_farm(const char* sex, Day birth, std::optional<std::string> name,
                                   std::optional<size_t> dam = std::nullopt);
  Status make_young_stock();
  Status calve(Cow& cow, Day day, std::optional<std::string> service_id);
  Result<std::string> serve(const std::string& animal_id, Day day, size_t sire);
  Status confirm(const std::string& service_id, Day day);
  Status make_cows_history();
  Status make_heifer_breeding();
  Status make_health();
  Status make_milk();
  Status post_recent_milk();
  Status make_dry_offs();
  Status make_disposals();

  db::Connection& tx_;
  int64_t now_;
  Day today_;
  int offset_;
  DatedClock clock_;
  modules::ModuleContext dated_;
  Rng rng_;
  herd::BreedService breeds_;
  herd::AnimalService animals_;
  herd::CalvingService calvings_;
  herd::HealthService health_;
  herd::BreedingService breeding_;
  herd::MilkService milk_;

  int tags_ = 0;
  size_t names_ = 0;
  std::vector<std::string> breed_ids_;
  std::vector<std::string> bulls_;  // kept bulls first (sires of the calves), then sold ones
  std::vector<Cow> cows_;           // foundation cows, then the first-calvers
  std::vector<size_t> milking_, dry_, to_dispose_;
  std::vector<std::string> pregnant_heifers_, open_heifers_, sold_heifers_, dead_heifers_;
  std::vector<Day> heifer_services_;
};

Status Loader::make_breeds() {
  at(today_ - 1500);
  for (const auto& b : kBreeds) {
    herd::NewBreed in{
        b.code, b.name, b.kind, std::string(b.avg_yield), b.gestation, std::string(b.description)};
    SD_ASSIGN_OR_RETURN(auto made, breeds_.create(tx_, in, kActor));
    breed_ids_.push_back(made.id);
  }
  return {};
}

Result<std::string> Loader::register_animal(herd::NewAnimal in, Day at_day) {
  in.ear_tag = next_tag();
  at(at_day);
  SD_ASSIGN_OR_RETURN(auto made, animals_.register_animal(tx_, in, kActor));
  return made.id;
}

// Four kept bulls bought years ago (the sires of the young stock), two young bulls born on
// the farm (after the cows, below), two old bulls sold since.
Status Loader::make_bulls() {
  const size_t bull_breeds[] = {0, 2, 1, 4, 3, 0};
  for (size_t i = 0; i < 6; ++i) {
    bool sold = i >= 4;
    herd::NewAnimal in;
    in.name = kBullNames[i];
    in.breed_id = breed_ids_[bull_breeds[i]];
    in.sex = "male";
    in.birth_date = today_ - (sold ? 3000 : 1900) - 150 * static_cast<Day>(i);
    in.acquisition_kind = "purchased";
    in.acquisition_date = today_ - (sold ? 2200 : 1400) - 20 * static_cast<Day>(i);
    in.acquisition_cost = bdt(150000 + 20000 * static_cast<int64_t>(i));
    SD_ASSIGN_OR_RETURN(auto id, register_animal(in, *in.acquisition_date));
    bulls_.push_back(id);
  }
  return {};
}

// 87 purchased cows without recorded parents: 60 to calve and be in milk now, 22 to be dry
// now (13 of them bought in milk later), 5 to be culled or die.
Status Loader::make_foundation_cows() {
  for (size_t i = 0; i < 87; ++i) {
    Cow c;
    uint32_t pick = rng_.next(100);
    int acc = 0;
    for (size_t b = 0; b < std::size(kBreeds); ++b) {
      acc += kBreeds[b].share;
      if (static_cast<int>(pick) < acc) {
        c.breed = b;
        break;
      }
    }
    bool bought_in_milk = i >= 60 && i < 73;  // dry now, without a calving here
    c.birth = today_ - 1800 - static_cast<Day>(rng_.next(1200));
    c.acquired = bought_in_milk ? today_ - 400 - static_cast<Day>(rng_.next(100))
                                : today_ - 1200 - static_cast<Day>(rng_.next(300));
    c.factor = rng_.jitter(150);
    herd::NewAnimal in;
    in.name = next_name();
    in.breed_id = breed_ids_[c.breed];
    in.sex = "female";
    in.birth_date = c.birth;
    in.status = bought_in_milk ? "lactating" : "dry";  // bought in milk, or dry and in calf
    in.acquisition_kind = "purchased";
    in.acquisition_date = c.acquired;
    in.acquisition_cost = bdt(65000 + 5000 * static_cast<int64_t>(rng_.next(10)));
    SD_ASSIGN_OR_RETURN(c.id, register_animal(in, c.acquired));
    if (i < 60) {
      Day dim = 6 + static_cast<Day>(i) * 294 / 60 + static_cast<Day>(rng_.next(4));
      c.planned = today_ - dim;
      milking_.push_back(cows_.size());
    } else if (i >= 73 && i < 82) {
      Day served = dry_expected(i - 60) - kBreeds[c.breed].gestation;
      c.planned = std::max(served - 80 - static_cast<Day>(rng_.next(20)), today_ - 364);
      dry_.push_back(cows_.size());
    } else if (i < 82) {
      dry_.push_back(cows_.size());
    } else {
      to_dispose_.push_back(cows_.size());
    }
    cows_.push_back(std::move(c));
  }
  return {};
}

// A foundation cow that was on the farm and old enough at `birth`, with no other offspring
// within a year of it, and (when one is free) not due to calve in the demo within 340 days.
Result<size_t> Loader::pick_dam(Day birth) {
  size_t start = rng_.next(static_cast<uint32_t>(cows_.size()));
  for (bool strict : {true, false}) {
    for (size_t k = 0; k < cows_.size(); ++k) {
      Cow& c = cows_[(start + k) % cows_.size()];
      if (c.acquired + 30 > birth || c.birth + 800 > birth) continue;
      if (strict && c.planned && *c.planned - birth < 340) continue;
      bool spaced = std::all_of(c.daughters.begin(), c.daughters.end(),
                                [birth](Day d) { return d - birth >= 365 || birth - d >= 365; });
      if (!spaced) continue;
      c.daughters.push_back(birth);
      return (start + k) % cows_.size();
    }
  }
  return Error::internal("the demo herd has no cow to be the dam of an animal born " +
                         format_date(birth));
}

// An animal born on the farm on `birth`: registered that day as a calf with a dam among the
// cows and a sire among the bulls, a heifer or bull from its first birthday.
Result<std::string> Loader::born_on_farm(const char* sex, Day birth,
                                         std::optional<std::string> name,
                                         std::optional<size_t> dam) {
  size_t d = 0;
  if (dam) {
    d = *dam;
  } else {
    SD_ASSIGN_OR_RETURN(d, pick_dam(birth));
  }
  herd::NewAnimal in;
  in.name = std::move(name);
  in.breed_id = breed_ids_[cows_[d].breed];
  in.sex = sex;
  in.birth_date = birth;
  in.dam_id = cows_[d].id;
  in.sire_id = bulls_[rng_.next(static_cast<uint32_t>(bulls_.size()))];
  SD_ASSIGN_OR_RETURN(auto id, register_animal(in, birth));
  at(birth + 365);
  herd::AnimalChanges grown;
  grown.status = std::string(sex) == "male" ? "bull" : "heifer";
  SD_RETURN_IF_ERROR(status_of(animals_.update(tx_, id, grown, std::nullopt, kActor)));
  return id;
}

Status Loader::calve(Cow& cow, Day day, std::optional<std::string> service_id) {
  herd::NewCalving in;
  in.dam_id = cow.id;
  in.day = day;
  in.difficulty = 1 + static_cast<int64_t>(rng_.next(10) / 7);  // mostly easy
  in.service_id = std::move(service_id);
  if (!in.service_id) in.sire_id = bulls_[rng_.next(4)];
  herd::NewCalf calf;
  calf.ear_tag = next_tag();
  calf.sex = rng_.next(2) == 0 ? "female" : "male";
  in.calf = calf;
  at(day, hm(5));
  SD_RETURN_IF_ERROR(status_of(calvings_.record(tx_, in, kActor)));
  cow.calving = day;
  cow.lactation_start = day;
  return {};
}

Result<std::string> Loader::serve(const std::string& animal_id, Day day, size_t sire) {
  herd::NewService in;
  in.animal_id = animal_id;
  in.day = day;
  if (rng_.next(3) == 0) {
    in.method = "natural";
    in.sire_id = bulls_[sire];
  } else {
    in.method = "ai";
    in.sire_id = bulls_[sire];
    in.semen_batch = "DLS-" + std::to_string(2400 + rng_.next(90));
    in.technician = "Abdul Hai (AI technician)";
  }
  in.heat_detection = "visual";
  at(day, hm(8));
  SD_ASSIGN_OR_RETURN(auto made, breeding_.serve(tx_, in, kActor));
  return made.service.id;
}

Status Loader::confirm(const std::string& service_id, Day day) {
  at(day, hm(10));
  herd::NewCheck check{day, "confirmed", std::string("echography")};
  return status_of(breeding_.check(tx_, service_id, check, kActor));
}

Status Loader::make_young_stock() {
  // First-calvers: born here about 26 months before calving, served at 16-20 months.
  for (size_t i = 0; i < 15; ++i) {
    Day dim = 5 + static_cast<Day>(i) * 10;
    Day calved = today_ - dim;
    Day served = calved - 280;
    Day birth = served - 460 - static_cast<Day>(rng_.next(120));
    SD_ASSIGN_OR_RETURN(size_t dam, pick_dam(birth));
    Cow c;
    c.breed = cows_[dam].breed;
    c.birth = birth;
    c.acquired = birth;
    c.factor = 0.85 * rng_.jitter(100);
    SD_ASSIGN_OR_RETURN(c.id, born_on_farm("female", birth, next_name(), dam));
    size_t at_index = cows_.size();
    cows_.push_back(std::move(c));
    served = calved - kBreeds[cows_[at_index].breed].gestation;
    SD_ASSIGN_OR_RETURN(auto service, serve(cows_[at_index].id, served, rng_.next(4)));
    SD_RETURN_IF_ERROR(confirm(service, served + 40));
    SD_RETURN_IF_ERROR(calve(cows_[at_index], calved, service));
    milking_.push_back(at_index);
  }
  // Heifers in calf (18), open heifers (50), and the three that left (sold, dead).
  for (size_t i = 0; i < 18; ++i) {
    Day expected = today_ + (i < 6 ? 5 + 4 * static_cast<Day>(i) : 35 + 11 * static_cast<Day>(i));
    Day served = expected - 283;
    Day birth = served - 450 - static_cast<Day>(rng_.next(150));
    std::optional<std::string> name;
    if (i % 2 == 0) name = next_name();
    SD_ASSIGN_OR_RETURN(auto id, born_on_farm("female", birth, name));
    pregnant_heifers_.push_back(id);
    heifer_services_.push_back(served);  // the day she is served (below)
  }
  for (size_t i = 0; i < 53; ++i) {
    Day birth = today_ - 370 - static_cast<Day>(i) * 5 - static_cast<Day>(rng_.next(5));
    SD_ASSIGN_OR_RETURN(auto id, born_on_farm("female", birth, std::nullopt));
    if (i == 10) {
      dead_heifers_.push_back(id);
    } else if (i == 20 || i == 30) {
      sold_heifers_.push_back(id);
    } else {
      open_heifers_.push_back(id);
    }
  }
  // Two young bulls kept for breeding.
  for (size_t i = 0; i < 2; ++i) {
    SD_ASSIGN_OR_RETURN(auto id, born_on_farm("male", today_ - 430 - 70 * static_cast<Day>(i),
                                              std::string(kBullNames[6 + i])));
    bulls_.push_back(id);
  }
  return {};
}

// The cows' calvings, services and pregnancy checks, and the dry-offs.
Status Loader::make_cows_history() {
  // Foundation cows in milk: calved 6-300 days ago, spread over the lactation.
  for (size_t k = 0; k < 60; ++k) {
    Cow& cow = cows_[milking_[k]];
    SD_RETURN_IF_ERROR(calve(cow, *cow.planned, std::nullopt));
  }
  // Dry cows: in calf and due in the next 2 months; 9 calved here last year.
  for (size_t k = 0; k < dry_.size(); ++k) {
    Cow& cow = cows_[dry_[k]];
    Day expected = dry_expected(k);
    Day served = expected - kBreeds[cow.breed].gestation;
    if (cow.planned) SD_RETURN_IF_ERROR(calve(cow, *cow.planned, std::nullopt));
    SD_ASSIGN_OR_RETURN(auto service, serve(cow.id, served, rng_.next(4)));
    SD_RETURN_IF_ERROR(confirm(service, served + 38));
    // Milked until her dry-off (recorded after the milk, below).
    if (!cow.calving) cow.lactation_start = served - 90;
    cow.last_milk = expected - 61;
  }
  // Cows in milk: served and confirmed from 110 days in milk; a service waiting for its
  // check between 45 and 110 days (due in the next days, or overdue); one served inside
  // the voluntary waiting period.
  const Day pending_ages[] = {30, 31, 32, 33, 34, 36, 39, 42, 20, 25};
  size_t pending = 0;
  bool early_served = false;
  for (size_t idx : milking_) {
    Cow& cow = cows_[idx];
    Day dim = today_ - *cow.calving;
    if (dim > 110) {
      Day latest = std::min<Day>(30, dim - 110);
      Day served = *cow.calving + 70 + static_cast<Day>(rng_.next(static_cast<uint32_t>(latest)));
      SD_ASSIGN_OR_RETURN(auto service, serve(cow.id, served, rng_.next(4)));
      SD_RETURN_IF_ERROR(confirm(service, served + 38));
    } else if (dim >= 45) {
      Day age = pending_ages[pending % std::size(pending_ages)];
      if (dim - age < 60) continue;
      ++pending;
      SD_RETURN_IF_ERROR(status_of(serve(cow.id, today_ - age, recent_sire())));
    } else if (!early_served && dim >= 30) {
      early_served = true;  // bred 40-odd days after calving: a warning, saved anyway
      SD_RETURN_IF_ERROR(status_of(serve(cow.id, today_ - 2, rng_.next(4))));
    }
  }
  return {};
}

Status Loader::make_heifer_breeding() {
  for (size_t i = 0; i < pregnant_heifers_.size(); ++i) {
    Day served = heifer_services_[i];
    SD_ASSIGN_OR_RETURN(auto service, serve(pregnant_heifers_[i], served, rng_.next(4)));
    SD_RETURN_IF_ERROR(confirm(service, served + 40));
  }
  // The oldest open heifers (open_heifers_ is youngest first): services waiting for their
  // check, and one that was not in calf and was served again.
  const Day ages[] = {33, 34, 37, 41, 12, 18, 26};
  for (size_t i = 0; i < std::size(ages); ++i) {
    const std::string& id = open_heifers_[open_heifers_.size() - 1 - i];
    SD_RETURN_IF_ERROR(status_of(serve(id, today_ - ages[i], recent_sire())));
  }
  const std::string& again = open_heifers_[open_heifers_.size() - 8];
  SD_ASSIGN_OR_RETURN(auto first, serve(again, today_ - 60, rng_.next(4)));
  at(today_ - 25, hm(10));
  SD_RETURN_IF_ERROR(status_of(breeding_.check(
      tx_, first, herd::NewCheck{today_ - 25, "negative", std::string("echography")}, kActor)));
  SD_RETURN_IF_ERROR(status_of(serve(again, today_ - 21, rng_.next(4))));
  return {};
}

// A year of vaccinations and dewormings of groups of cows and bulls, a couple of treatments a
// month, and four cows treated in the last three days whose milk is withheld now.
Status Loader::make_health() {
  std::vector<std::string> adults;
  for (size_t idx : milking_) adults.push_back(cows_[idx].id);
  for (size_t idx : dry_) adults.push_back(cows_[idx].id);
  for (size_t i = 0; i < 4; ++i) adults.push_back(bulls_[i]);
  auto pick = [&](size_t n) {
    return adults[rng_.next(static_cast<uint32_t>(std::min(n, adults.size())))];
  };
  auto record = [&](herd::NewHealthRecord in) -> Status {
    at(in.day, hm(11));
    return status_of(health_.record(tx_, std::move(in), kActor));
  };
  for (Day m = 11; m >= 0; --m) {
    Day day = today_ - 12 - 30 * m;
    for (int i = 0; i < 10; ++i) {
      herd::NewHealthRecord v;
      v.animal_id = pick(adults.size());
      v.day = day;
      v.kind = "vaccination";
      bool fmd = m % 2 == 0;
      v.description = fmd ? "FMD booster" : "HS/BQ vaccination";
      v.medication = fmd ? "FMD vaccine (trivalent)" : "HS-BQ combined vaccine";
      v.dose = "3 ml";
      v.route = "subcutaneous";
      v.cost = bdt(fmd ? 60 : 45);
      v.veterinarian = "Dr. Karim (ULO)";
      v.status = "resolved";
      SD_RETURN_IF_ERROR(record(std::move(v)));
    }
    for (int i = 0; i < 8; ++i) {
      herd::NewHealthRecord w;
      w.animal_id = pick(adults.size());
      w.day = day + 3;
      w.kind = "deworming";
      w.medication = "Albendazole";
      w.dose = "1 bolus";
      w.route = "oral";
      w.cost = bdt(35);
      w.status = "resolved";
      SD_RETURN_IF_ERROR(record(std::move(w)));
    }
    for (Day i = 0; i < 2 && m > 0; ++i) {
      herd::NewHealthRecord t;
      t.animal_id = pick(60);
      t.day = day + 7 + 9 * i;
      t.kind = "treatment";
      bool mastitis = (m + i) % 2 == 0;
      t.description = mastitis ? "Clinical mastitis, one quarter" : "Lameness, hind left";
      t.diagnosis = mastitis ? "clinical mastitis" : "foot rot";
      t.medication = mastitis ? "Cloxacillin" : "Oxytetracycline LA";
      t.dose = mastitis ? "1 tube per milking" : "20 ml";
      t.route = mastitis ? "intramammary" : "intramuscular";
      t.cost = bdt(mastitis ? 850 : 1200);
      t.veterinarian = "Dr. Karim (ULO)";
      t.status = "resolved";
      t.treatment = herd::TreatmentInput{t.day + 2, mastitis ? 3 : 7, mastitis ? 7 : 28, {}};
      SD_RETURN_IF_ERROR(record(std::move(t)));
    }
  }
  // Treated in the last three days: their milk is withheld now.
  struct Recent {
    Day ago;
    Day last_dose_in;
    int64_t milk_days, meat_days, cost;
    const char* diagnosis;
    const char* medication;
    const char* route;
  };
  const Recent recent[] = {
      {2, 2, 3, 7, 850, "clinical mastitis", "Cloxacillin", "intramammary"},
      {1, 0, 7, 28, 1200, "foot rot", "Oxytetracycline LA", "intramuscular"},
      {1, 2, 4, 30, 650, "metritis", "Penicillin-streptomycin", "intramuscular"},
      {0, 2, 3, 7, 900, "clinical mastitis", "Cefalexin", "intramammary"},
  };
  for (size_t i = 0; i < std::size(recent); ++i) {
    const Recent& r = recent[i];
    herd::NewHealthRecord t;
    t.animal_id = cows_[milking_[5 + 13 * i]].id;
    t.day = today_ - r.ago;
    t.kind = "treatment";
    t.diagnosis = r.diagnosis;
    t.medication = r.medication;
    t.route = r.route;
    t.cost = bdt(r.cost);
    t.veterinarian = "Dr. Karim (ULO)";
    t.follow_up_date = t.day + r.last_dose_in + 1;
    t.treatment = herd::TreatmentInput{t.day + r.last_dose_in, r.milk_days, r.meat_days, {}};
    SD_RETURN_IF_ERROR(record(std::move(t)));
  }
  return {};
}

// A cow's day's milk: her breed's peak, a lactation curve (rising for seven weeks, then
// falling about 0.25 % a day), her own factor.
double lactation_curve(Day dim) {
  if (dim < 50) return 0.72 + 0.28 * static_cast<double>(dim) / 50.0;
  return std::max(0.45, 1.0 - 0.0025 * static_cast<double>(dim - 50));
}

Status Loader::make_milk() {
  std::vector<size_t> in_milk;
  for (size_t idx : milking_) in_milk.push_back(idx);
  // Scale to about 900 L for yesterday (the cows in milk now).
  double expected = 0;
  for (size_t idx : in_milk) {
    const Cow& c = cows_[idx];
    expected += static_cast<double>(kBreeds[c.breed].peak_ml) * c.factor *
                lactation_curve(today_ - 1 - *c.calving);
  }
  const double scale = 900'000.0 / expected;
  for (size_t idx : dry_) in_milk.push_back(idx);  // milked until their dry-off
  const struct {
    const char* name;
    int64_t minute;
    double share;
  } sessions[] = {{"morning", hm(6, 30), 0.56}, {"evening", hm(17, 30), 0.44}};
  for (Day day = today_ - 90; day < today_; ++day) {
    for (const auto& s : sessions) {
      std::vector<Result<herd::MilkInput>> rows;
      for (size_t idx : in_milk) {
        const Cow& c = cows_[idx];
        if (day < c.lactation_start + 4) continue;  // colostrum is not recorded
        if (c.last_milk && day > *c.last_milk) continue;
        const DemoBreed& b = kBreeds[c.breed];
        herd::MilkInput in;
        in.animal_id = c.id;
        in.day = day;
        in.session = s.name;
        double ml = static_cast<double>(b.peak_ml) * c.factor *
                    lactation_curve(day - c.lactation_start) * scale * s.share * rng_.jitter(60);
        in.quantity_ml = std::max<int64_t>(500, static_cast<int64_t>(ml));
        in.fat = b.fat + static_cast<int64_t>(rng_.next(61)) - 30;
        in.snf = b.snf + static_cast<int64_t>(rng_.next(41)) - 22;
        in.temperature_dc = 40 + static_cast<int64_t>(rng_.next(30));
        if (day == today_ - 40 && idx == in_milk[40] && std::string_view(s.name) == "evening") {
          in.temperature_dc = 135;  // the cooler failed: rejected
          in.notes = "Cooler failure, milk not cooled";
        }
        if (day == today_ - 12 && idx == in_milk[50] && std::string_view(s.name) == "morning") {
          in.fat = 260;  // watery milk: rejected
          in.snf = 760;
        }
        rows.emplace_back(std::move(in));
      }
      at(day, s.minute);
      SD_ASSIGN_OR_RETURN(auto report,
                          milk_.batch(tx_, rows, herd::BatchMode::kAllOrNothing, kActor));
      if (report.rolled_back) {
        for (const auto& row : report.rows) {
          if (row.error) return *row.error;
        }
        return Error::internal("the demo milk batch was rolled back");
      }
    }
  }
  return {};
}

// The last two days' milk goes into stock as the server would have posted it; older milk
// counts as delivered long ago (the import-milk rule: posted_ml = saleable, no posting), so
// 90 days of litres never flood the raw milk stock.
Status Loader::post_recent_milk() {
  SD_RETURN_IF_ERROR(status_of(herd::settle_milk_history(tx_, today_ - 2)));
  for (Day day = today_ - 2; day < today_; ++day) {
    for (const auto& [session, minute] :
         {std::pair{"morning", hm(12, 5)}, std::pair{"evening", hm(23, 5)}}) {
      at(day, minute);
      SD_RETURN_IF_ERROR(status_of(herd::post_milk(tx_, dated_, day, session, "system")));
    }
  }
  return {};
}

Status Loader::make_dry_offs() {
  for (size_t idx : dry_) {
    const Cow& cow = cows_[idx];
    at(*cow.last_milk + 1);
    herd::AnimalChanges dry;
    dry.status = "dry";
    SD_RETURN_IF_ERROR(status_of(animals_.update(tx_, cow.id, dry, std::nullopt, kActor)));
  }
  return {};
}

Status Loader::make_disposals() {
  auto dispose = [&](const std::string& id, const char* kind, Day day, const char* note) {
    at(day, hm(14));
    return status_of(animals_.dispose(tx_, id, herd::Disposal{kind, day, std::string(note)},
                                      std::nullopt, kActor));
  };
  const struct {
    const char* kind;
    Day ago;
    const char* note;
  } cows[] = {{"culled", 40, "Low yield, repeat breeder"},
              {"culled", 120, "Chronic mastitis"},
              {"culled", 250, "Old age, poor teeth"},
              {"dead", 75, "Milk fever"},
              {"dead", 190, "Tick fever (babesiosis)"}};
  for (size_t i = 0; i < std::size(cows); ++i) {
    SD_RETURN_IF_ERROR(
        dispose(cows_[to_dispose_[i]].id, cows[i].kind, today_ - cows[i].ago, cows[i].note));
  }
  SD_RETURN_IF_ERROR(dispose(bulls_[4], "sold", today_ - 200, "Sold at the Gabtoli cattle market"));
  SD_RETURN_IF_ERROR(dispose(bulls_[5], "sold", today_ - 150, "Sold for Eid"));
  SD_RETURN_IF_ERROR(dispose(dead_heifers_[0], "dead", today_ - 30, "Bloat"));
  SD_RETURN_IF_ERROR(dispose(sold_heifers_[0], "sold", today_ - 60, "Sold to a neighbour"));
  SD_RETURN_IF_ERROR(dispose(sold_heifers_[1], "sold", today_ - 20, "Sold to a neighbour"));
  return {};
}

Status Loader::run() {
  SD_RETURN_IF_ERROR(make_breeds());
  SD_RETURN_IF_ERROR(make_bulls());
  SD_RETURN_IF_ERROR(make_foundation_cows());
  SD_RETURN_IF_ERROR(make_young_stock());
  SD_RETURN_IF_ERROR(make_cows_history());
  SD_RETURN_IF_ERROR(make_heifer_breeding());
  SD_RETURN_IF_ERROR(make_health());
  SD_RETURN_IF_ERROR(make_milk());
  SD_RETURN_IF_ERROR(post_recent_milk());
  SD_RETURN_IF_ERROR(make_dry_offs());
  return make_disposals();
}

}  // namespace

Result<bool> load_demo_herd(db::Connection& tx, const modules::ModuleContext& ctx) {
  herd::BreedService breeds(ctx);
  herd::AnimalService animals(ctx);
  SD_ASSIGN_OR_RETURN(auto some_breeds, breeds.list(tx, "", 1));
  herd::AnimalQuery any;
  any.limit = 1;
  SD_ASSIGN_OR_RETURN(auto some_animals, animals.list(tx, any));
  if (!some_breeds.items.empty() || !some_animals.items.empty()) return false;
  Loader loader(tx, ctx);
  SD_RETURN_IF_ERROR(loader.run());
  return true;
}

}  // namespace smartdairy::app
