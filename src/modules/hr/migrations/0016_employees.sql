-- Employees (the seed's employees table). Nobody is deleted: someone who leaves is made
-- inactive, so that payroll and audit history keep pointing at a real row.
CREATE TABLE employees (
  id                   TEXT PRIMARY KEY,           -- UUIDv7
  name                 TEXT NOT NULL,
  email                TEXT NOT NULL UNIQUE,       -- lower-case
  role                 TEXT NOT NULL,              -- job title ("milker"), not a login role
  phone                TEXT,
  hired_on             TEXT,                       -- YYYY-MM-DD
  monthly_salary_minor INTEGER CHECK (monthly_salary_minor >= 0),  -- minor units
  active               INTEGER NOT NULL DEFAULT 1,
  created_at           INTEGER NOT NULL,           -- microseconds UTC
  updated_at           INTEGER NOT NULL
);
