#pragma once

#include <string>

#include "app/config.h"

namespace smartdairy::app {

// `smartdairy serve`: runs until SIGTERM/SIGINT; returns the process exit code.
int serve(const ServeConfig& config);

// `smartdairy migrate`: applies pending migrations and reports how many.
int migrate(const std::string& data_dir);

// `smartdairy user add|passwd|list`.
int user_add(const std::string& data_dir, const std::string& username, const std::string& role,
             bool password_stdin);
int user_passwd(const std::string& data_dir, const std::string& username, bool password_stdin);
int user_list(const std::string& data_dir);

// `smartdairy seed --demo`: loads the demo company and its herd unless already there.
int seed_demo(const std::string& data_dir);

// `smartdairy analytics rebuild`: recomputes every analytics view from the source tables
// (works while the server runs: it takes the write lock for the rebuild's transaction).
int analytics_rebuild(const std::string& data_dir);

// `smartdairy herd import-milk FILE.csv`: imports milk history from a CSV file in one
// transaction (all rows or none); the records never reach stock. Prints the wall time and
// the peak RSS.
int herd_import_milk(const std::string& data_dir, const std::string& file);

}  // namespace smartdairy::app
