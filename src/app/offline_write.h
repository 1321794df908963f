#pragma once

#include <functional>
#include <string>

#include "core/result.h"
#include "db/sqlite.h"
#include "modules/common/module_context.h"

namespace smartdairy::app {

// For commands that change the database outside the server (seed, analytics rebuild):
// prepares the data directory, opens and migrates the database, runs `job` as one writer
// transaction (committed when it succeeds, rolled back when it fails) and closes it. Safe
// while the server runs: SQLite's lock makes the two writers take turns.
Status run_offline_write(const std::string& data_dir,
                         std::function<Status(db::Connection&, const modules::ModuleContext&)> job);

}  // namespace smartdairy::app
