-- Farm analytics views (issue 5): tables kept up to date by the `analytics.views` consumer
-- from the herd's events and recomputed from the herd tables by `smartdairy analytics
-- rebuild`. Milk is in millilitres, money in minor units, days 'YYYY-MM-DD' and months
-- 'YYYY-MM' in the farm's time zone. Saleable milk: not withheld and not graded R.

-- What each milk record was last counted as. The facts tables are keyed by the herd row's id
-- WITHOUT ROWID: one B-tree each, which halves what a rebuild writes for 10 years of milk.
CREATE TABLE analytics_farm_milk_facts (
  record_id   TEXT PRIMARY KEY,
  day         TEXT NOT NULL,
  quantity_ml INTEGER NOT NULL,
  withheld    INTEGER NOT NULL,
  grade       TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE analytics_farm_milk_by_day (
  day         TEXT PRIMARY KEY,
  records     INTEGER NOT NULL,
  litres_ml   INTEGER NOT NULL,   -- all milk recorded
  saleable_ml INTEGER NOT NULL,   -- not withheld, not grade R
  withheld_ml INTEGER NOT NULL,   -- withheld (milk withdrawal of a treatment)
  grade_a     INTEGER NOT NULL,   -- records of each grade
  grade_b     INTEGER NOT NULL,
  grade_c     INTEGER NOT NULL,
  grade_r     INTEGER NOT NULL,
  grade_a_ml  INTEGER NOT NULL,   -- and their milk
  grade_b_ml  INTEGER NOT NULL,
  grade_c_ml  INTEGER NOT NULL,
  grade_r_ml  INTEGER NOT NULL
);

-- What each health record was last counted as: its month (of its day) and cost.
CREATE TABLE analytics_farm_health_facts (
  record_id  TEXT PRIMARY KEY,
  month      TEXT NOT NULL,
  cost_minor INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE analytics_farm_health_cost_by_month (
  month   TEXT PRIMARY KEY,  -- 'YYYY-MM' of the records' day
  records INTEGER NOT NULL,
  cost    INTEGER NOT NULL   -- minor units; a record without a cost counts 0
);

-- The status each animal was last counted with.
CREATE TABLE analytics_farm_animal_facts (
  animal_id TEXT PRIMARY KEY,
  status    TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE analytics_farm_herd_by_status (
  status  TEXT PRIMARY KEY,
  animals INTEGER NOT NULL
);
