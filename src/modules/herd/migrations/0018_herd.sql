-- Herd management (issue 5): breeds, animals with pedigree, milk recording, health with
-- withdrawal periods, breeding and calving, and the milk that reaches stock. Days are
-- 'YYYY-MM-DD' in the farm's time zone; amounts of money are minor units; milk is in
-- millilitres; percentages are hundredths of a percent (4.25 % is 425). Nothing here is ever
-- deleted: a sold, dead or culled animal keeps its row and its history.

-- The farm's settings (one row, id = 1). Defaults from DOMAIN.md; changed with
-- PATCH /api/v1/herd/settings.
CREATE TABLE herd_settings (
  id                       INTEGER PRIMARY KEY CHECK (id = 1),
  raw_milk_sku             TEXT NOT NULL DEFAULT 'MILK-RAW',  -- saleable milk is received here
  third_session            TEXT CHECK (third_session IN ('midday', 'night')),  -- NULL: two
  morning_ends             TEXT NOT NULL DEFAULT '12:00',  -- local time a session closes
  midday_ends              TEXT NOT NULL DEFAULT '16:00',
  evening_ends             TEXT NOT NULL DEFAULT '23:00',
  night_ends               TEXT NOT NULL DEFAULT '23:59',
  -- Grade thresholds: A needs fat >= grade_a_fat and SNF >= grade_a_snf (and SCC at most
  -- grade_a_scc when measured); B and C likewise; anything else, or a temperature above
  -- reject_temp_dc, is R (rejected).
  grade_a_fat              INTEGER NOT NULL DEFAULT 350,
  grade_a_snf              INTEGER NOT NULL DEFAULT 850,
  grade_a_scc              INTEGER NOT NULL DEFAULT 200,    -- thousand cells/ml
  grade_b_fat              INTEGER NOT NULL DEFAULT 320,
  grade_b_snf              INTEGER NOT NULL DEFAULT 830,
  grade_b_scc              INTEGER NOT NULL DEFAULT 400,
  grade_c_fat              INTEGER NOT NULL DEFAULT 280,
  grade_c_snf              INTEGER NOT NULL DEFAULT 800,
  grade_c_scc              INTEGER NOT NULL DEFAULT 750,
  reject_temp_dc           INTEGER NOT NULL DEFAULT 100,    -- tenths of a degree C
  -- SNF % = CLR / snf_clr_divisor + snf_fat_factor * fat + snf_constant (Richmond-type:
  -- CLR/4 + 0.2 fat + 0.36). Factors in ten-thousandths: 2000 is 0.2, 3600 is 0.36.
  snf_clr_divisor          INTEGER NOT NULL DEFAULT 4 CHECK (snf_clr_divisor > 0),
  snf_fat_factor           INTEGER NOT NULL DEFAULT 2000,
  snf_constant             INTEGER NOT NULL DEFAULT 3600,
  voluntary_waiting_days   INTEGER NOT NULL DEFAULT 60,
  pregnancy_check_days     INTEGER NOT NULL DEFAULT 35,     -- service -> pregnancy check due
  dry_off_days             INTEGER NOT NULL DEFAULT 60,     -- dry off before expected calving
  calving_window_days      INTEGER NOT NULL DEFAULT 9,      -- +/- around expected calving
  updated_at               INTEGER NOT NULL DEFAULT 0
);
INSERT INTO herd_settings (id) VALUES (1);

CREATE TABLE herd_breeds (
  id             TEXT PRIMARY KEY,                 -- UUIDv7
  code           TEXT NOT NULL UNIQUE,             -- upper-case, 1-10 characters
  name           TEXT NOT NULL,
  kind           TEXT NOT NULL CHECK (kind IN ('dairy', 'beef', 'dual', 'indigenous')),
  avg_yield_ml   INTEGER CHECK (avg_yield_ml >= 0),  -- average daily yield of a cow
  gestation_days INTEGER NOT NULL DEFAULT 283 CHECK (gestation_days BETWEEN 240 AND 320),
  description    TEXT,
  created_at     INTEGER NOT NULL,                 -- microseconds UTC
  updated_at     INTEGER NOT NULL
);

CREATE TABLE herd_animals (
  id                     TEXT PRIMARY KEY,         -- UUIDv7
  ear_tag                TEXT NOT NULL UNIQUE,     -- upper-case
  rfid                   TEXT UNIQUE,
  name                   TEXT,
  breed_id               TEXT REFERENCES herd_breeds (id),
  sex                    TEXT NOT NULL CHECK (sex IN ('female', 'male')),
  birth_date             TEXT,
  status                 TEXT NOT NULL CHECK (status IN ('calf', 'heifer', 'lactating', 'dry',
                           'pregnant', 'bull', 'sold', 'dead', 'culled')),
  sire_id                TEXT REFERENCES herd_animals (id),
  dam_id                 TEXT REFERENCES herd_animals (id),
  acquisition_kind       TEXT NOT NULL CHECK (acquisition_kind IN ('born', 'purchased',
                           'donated')),
  acquisition_date       TEXT,
  acquisition_cost_minor INTEGER CHECK (acquisition_cost_minor >= 0),
  disposal_date          TEXT,
  disposal_kind          TEXT CHECK (disposal_kind IN ('sold', 'dead', 'culled')),
  disposal_note          TEXT,
  last_calving_date      TEXT,                     -- starts the current lactation
  notes                  TEXT,
  version                INTEGER NOT NULL DEFAULT 1,
  created_at             INTEGER NOT NULL,
  updated_at             INTEGER NOT NULL,
  CHECK (sire_id IS NULL OR sire_id <> id),
  CHECK (dam_id IS NULL OR dam_id <> id),
  CHECK ((disposal_kind IS NULL) = (disposal_date IS NULL))
);
CREATE INDEX herd_animals_by_status ON herd_animals (status);
CREATE INDEX herd_animals_by_breed ON herd_animals (breed_id);
CREATE INDEX herd_animals_by_sire ON herd_animals (sire_id) WHERE sire_id IS NOT NULL;
CREATE INDEX herd_animals_by_dam ON herd_animals (dam_id) WHERE dam_id IS NOT NULL;

-- Health records. For a treatment, milk_withdrawal_end / meat_withdrawal_end are the first
-- day the product is no longer withheld: last dose + the withdrawal period (DOMAIN.md 3.4).
-- Milk of a day before milk_withdrawal_end is recorded but withheld.
CREATE TABLE herd_health_records (
  id                   TEXT PRIMARY KEY,
  animal_id            TEXT NOT NULL REFERENCES herd_animals (id),
  day                  TEXT NOT NULL,
  kind                 TEXT NOT NULL CHECK (kind IN ('checkup', 'symptom', 'diagnosis',
                         'treatment', 'surgery', 'vaccination', 'deworming')),
  description          TEXT,
  diagnosis            TEXT,
  medication           TEXT,
  dose                 TEXT,
  route                TEXT,
  cost_minor           INTEGER CHECK (cost_minor >= 0),
  veterinarian         TEXT,
  follow_up_date       TEXT,
  last_dose_date       TEXT,
  milk_withdrawal_days INTEGER CHECK (milk_withdrawal_days >= 0),
  meat_withdrawal_days INTEGER CHECK (meat_withdrawal_days >= 0),
  off_label            INTEGER NOT NULL DEFAULT 0,
  milk_withdrawal_end  TEXT,
  meat_withdrawal_end  TEXT,
  status               TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'resolved',
                         'chronic', 'follow_up')),
  recorded_by          TEXT NOT NULL,
  created_at           INTEGER NOT NULL,
  updated_at           INTEGER NOT NULL
);
CREATE INDEX herd_health_by_animal ON herd_health_records (animal_id, day);
CREATE INDEX herd_health_by_milk_withdrawal ON herd_health_records (milk_withdrawal_end)
  WHERE milk_withdrawal_end IS NOT NULL;

-- Saleable milk received into stock: one row per receipt, for a day and session. Litres
-- are whole; the millilitres not yet received carry to the next posting (carry_ml).
CREATE TABLE herd_milk_postings (
  id          TEXT PRIMARY KEY,
  day         TEXT NOT NULL,
  session     TEXT NOT NULL,
  sku         TEXT NOT NULL,
  saleable_ml INTEGER NOT NULL,                    -- this posting's records (signed for corrections)
  litres      INTEGER NOT NULL,                    -- the stock receipt
  carry_ml    INTEGER NOT NULL,                    -- left for the next posting, 0..999
  actor       TEXT NOT NULL,
  created_at  INTEGER NOT NULL
);
CREATE INDEX herd_milk_postings_by_day ON herd_milk_postings (day, session);

CREATE TABLE herd_milk_records (
  id               TEXT PRIMARY KEY,
  animal_id        TEXT NOT NULL REFERENCES herd_animals (id),
  day              TEXT NOT NULL,
  session          TEXT NOT NULL CHECK (session IN ('morning', 'midday', 'evening', 'night')),
  quantity_ml      INTEGER NOT NULL CHECK (quantity_ml BETWEEN 0 AND 100000),
  fat              INTEGER CHECK (fat BETWEEN 100 AND 1000),       -- 1.00-10.00 %
  snf              INTEGER CHECK (snf BETWEEN 500 AND 1500),       -- 5.00-15.00 %
  protein          INTEGER CHECK (protein BETWEEN 100 AND 800),    -- 1.00-8.00 %
  temperature_dc   INTEGER,                                        -- tenths of a degree C
  scc              INTEGER CHECK (scc >= 0),                       -- thousand cells/ml
  lactometer_clr   INTEGER,                                        -- hundredths of CLR
  snf_computed     INTEGER NOT NULL DEFAULT 0,                     -- SNF from the lactometer
  grade            TEXT NOT NULL CHECK (grade IN ('A', 'B', 'C', 'R')),
  withheld         INTEGER NOT NULL DEFAULT 0,
  withheld_by      TEXT REFERENCES herd_health_records (id),      -- the treatment
  posting_id       TEXT REFERENCES herd_milk_postings (id),       -- its stock receipt
  posted_ml        INTEGER NOT NULL DEFAULT 0,                     -- what reached stock so far
  recorded_by      TEXT NOT NULL,
  notes            TEXT,
  version          INTEGER NOT NULL DEFAULT 1,
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL,
  UNIQUE (animal_id, day, session)
);
CREATE INDEX herd_milk_by_day ON herd_milk_records (day, session);

-- The audit trail of corrections: the values a correction replaced.
CREATE TABLE herd_milk_corrections (
  id         TEXT PRIMARY KEY,
  record_id  TEXT NOT NULL REFERENCES herd_milk_records (id),
  previous   TEXT NOT NULL,                        -- JSON of the replaced record
  reason     TEXT NOT NULL,
  actor      TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX herd_milk_corrections_by_record ON herd_milk_corrections (record_id);

-- Breeding services (natural, AI, embryo transfer) and what became of them.
CREATE TABLE herd_services (
  id               TEXT PRIMARY KEY,
  animal_id        TEXT NOT NULL REFERENCES herd_animals (id),
  day              TEXT NOT NULL,
  method           TEXT NOT NULL CHECK (method IN ('natural', 'ai', 'et')),
  sire_id          TEXT REFERENCES herd_animals (id),
  semen_batch      TEXT,
  technician       TEXT,
  heat_detection   TEXT,
  pregnancy_status TEXT NOT NULL DEFAULT 'pending' CHECK (pregnancy_status IN ('pending',
                     'confirmed', 'negative', 'aborted', 'calved')),
  check_due        TEXT NOT NULL,                  -- day + pregnancy_check_days
  expected_calving TEXT NOT NULL,                  -- day + the breed's gestation
  vwp_warning      INTEGER NOT NULL DEFAULT 0,     -- bred inside the voluntary waiting period
  notes            TEXT,
  recorded_by      TEXT NOT NULL,
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL,
  CHECK (sire_id IS NOT NULL OR semen_batch IS NOT NULL)
);
CREATE INDEX herd_services_by_animal ON herd_services (animal_id, day);
CREATE INDEX herd_services_open ON herd_services (pregnancy_status, expected_calving)
  WHERE pregnancy_status IN ('pending', 'confirmed');

CREATE TABLE herd_pregnancy_checks (
  id          TEXT PRIMARY KEY,
  service_id  TEXT NOT NULL REFERENCES herd_services (id),
  day         TEXT NOT NULL,
  result      TEXT NOT NULL CHECK (result IN ('confirmed', 'negative', 'aborted')),
  method      TEXT,                                -- echography, palpation, blood, milk, visual
  recorded_by TEXT NOT NULL,
  created_at  INTEGER NOT NULL
);
CREATE INDEX herd_pregnancy_checks_by_service ON herd_pregnancy_checks (service_id);

CREATE TABLE herd_calvings (
  id          TEXT PRIMARY KEY,
  dam_id      TEXT NOT NULL REFERENCES herd_animals (id),
  service_id  TEXT REFERENCES herd_services (id),
  day         TEXT NOT NULL,
  difficulty  INTEGER NOT NULL CHECK (difficulty BETWEEN 1 AND 5),
  calf_id     TEXT REFERENCES herd_animals (id),   -- NULL for a stillbirth
  notes       TEXT,
  recorded_by TEXT NOT NULL,
  created_at  INTEGER NOT NULL
);
CREATE INDEX herd_calvings_by_dam ON herd_calvings (dam_id, day);
