#pragma once

// The herd unit tests' database: every migration, a fake clock, and shortcuts that put
// breeds and animals straight into the tables so that a test about milk or health does not
// depend on the animal rules.

#include <string>

#include "core/uuid.h"
#include "modules/herd/herd.h"
#include "tests/testing/module_fixture.h"

namespace smartdairy::modules::herd {

class HerdTest : public testing::ModuleTest {
 protected:
  // A dairy breed with the default 283-day gestation; returns its id.
  std::string put_breed(const std::string& code = "HF", int64_t gestation_days = 283) {
    std::string id = new_uuid_v7();
    EXPECT_TRUE(conn()
                    .execute("INSERT INTO herd_breeds (id, code, name, kind, gestation_days, "
                             "created_at, updated_at) VALUES (?, ?, ?, 'dairy', ?, 0, 0)",
                             id, code, code + " breed", gestation_days)
                    .ok());
    return id;
  }

  // An animal with the given tag, sex and status (born 2022-01-10, purchased); returns its id.
  std::string put_animal(const std::string& tag, const std::string& sex = "female",
                         const std::string& status = "lactating",
                         const std::optional<std::string>& breed_id = std::nullopt) {
    std::string id = new_uuid_v7();
    auto st = conn().execute(
        "INSERT INTO herd_animals (id, ear_tag, sex, birth_date, status, breed_id, "
        "acquisition_kind, created_at, updated_at) VALUES (?, ?, ?, '2022-01-10', ?, ?, "
        "'purchased', 0, 0)",
        id, tag, sex, status, breed_id);
    EXPECT_TRUE(st.ok()) << (st.ok() ? "" : st.error().message);
    return id;
  }
};

}  // namespace smartdairy::modules::herd
