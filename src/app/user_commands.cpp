#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "app/commands.h"
#include "auth/auth_service.h"
#include "auth/credentials.h"
#include "core/clock.h"
#include "core/log.h"
#include "db/database.h"

namespace smartdairy::app {

namespace {

// Opens the database for a CLI command: same durability checks and migrations as serve.
Result<std::unique_ptr<db::Connection>> open_for_cli(const std::string& data_dir) {
  ::umask(077);
  SD_RETURN_IF_ERROR(prepare_data_dir(data_dir));
  SD_ASSIGN_OR_RETURN(auto conn, db::open_write_connection(database_path(data_dir)));
  SD_RETURN_IF_ERROR(db::apply_migrations(*conn, db::embedded_migrations()));
  return conn;
}

// The password from SMARTDAIRY_PASSWORD, from one line of stdin, or a generated one.
Result<std::pair<std::string, bool>> obtain_password(bool from_stdin) {
  if (const char* env = std::getenv("SMARTDAIRY_PASSWORD"); env != nullptr && *env != '\0') {
    return std::make_pair(std::string(env), false);
  }
  if (from_stdin) {
    std::string line;
    if (!std::getline(std::cin, line)) {
      return Error::bad_request("no_password", "Expected the password on standard input.");
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return std::make_pair(line, false);
  }
  return std::make_pair(auth::random_token(18), true);
}

int fail(const Error& e) {
  std::fprintf(stderr, "error: %s\n", e.message.c_str());
  return 1;
}

// Runs fn inside one transaction on `conn`.
template <class F>
Status in_transaction(db::Connection& conn, F fn) {
  SD_RETURN_IF_ERROR(conn.exec("BEGIN IMMEDIATE"));
  Status st = fn(conn);
  if (!st.ok()) {
    (void)conn.exec("ROLLBACK");
    return st;
  }
  return conn.exec("COMMIT");
}

}  // namespace

int migrate(const std::string& data_dir) {
  ::umask(077);
  if (Status st = prepare_data_dir(data_dir); !st.ok()) return fail(st.error());
  auto conn = db::open_write_connection(database_path(data_dir));
  if (!conn.ok()) return fail(conn.error());
  auto n = db::apply_migrations(**conn, db::embedded_migrations());
  if (!n.ok()) return fail(n.error());
  std::printf("applied %d migration(s); %zu known; database %s\n", *n,
              db::embedded_migrations().size(), database_path(data_dir).c_str());
  return 0;
}

int user_add(const std::string& data_dir, const std::string& username, const std::string& role,
             bool password_stdin) {
  auto conn = open_for_cli(data_dir);
  if (!conn.ok()) return fail(conn.error());
  auto pw = obtain_password(password_stdin);
  if (!pw.ok()) return fail(pw.error());
  if (Status st = auth::check_password_policy(pw->first, username); !st.ok()) {
    return fail(st.error());
  }
  auto hash = auth::hash_password(pw->first);
  if (!hash.ok()) return fail(hash.error());
  auth::AuthService service({}, SystemClock::instance());
  Result<auth::User> user = Error::internal("not run");
  Status st = in_transaction(**conn, [&](db::Connection& tx) -> Status {
    user = service.create_user(tx, username, role, *hash, "cli");
    if (!user.ok()) return user.error();
    return {};
  });
  if (!st.ok()) return fail(st.error());
  std::printf("created user %s (role %s, id %s)\n", user->username.c_str(), user->role.c_str(),
              user->id.c_str());
  if (pw->second) std::printf("one-time password: %s\n", pw->first.c_str());
  return 0;
}

int user_passwd(const std::string& data_dir, const std::string& username, bool password_stdin) {
  auto conn = open_for_cli(data_dir);
  if (!conn.ok()) return fail(conn.error());
  auto pw = obtain_password(password_stdin);
  if (!pw.ok()) return fail(pw.error());
  if (Status st = auth::check_password_policy(pw->first, username); !st.ok()) {
    return fail(st.error());
  }
  auto hash = auth::hash_password(pw->first);
  if (!hash.ok()) return fail(hash.error());
  auth::AuthService service({}, SystemClock::instance());
  Status st = in_transaction(
      **conn, [&](db::Connection& tx) { return service.set_password(tx, username, *hash, "cli"); });
  if (!st.ok()) return fail(st.error());
  std::printf("password changed for %s; their sessions were ended\n", username.c_str());
  if (pw->second) std::printf("one-time password: %s\n", pw->first.c_str());
  return 0;
}

int user_list(const std::string& data_dir) {
  auto conn = open_for_cli(data_dir);
  if (!conn.ok()) return fail(conn.error());
  auto users = auth::store::list_users(**conn);
  if (!users.ok()) return fail(users.error());
  std::printf("%-24s %-12s %-8s %-36s %s\n", "USERNAME", "ROLE", "ACTIVE", "ID", "CREATED");
  for (const auto& u : *users) {
    std::printf("%-24s %-12s %-8s %-36s %s\n", u.username.c_str(), u.role.c_str(),
                u.active ? "yes" : "no", u.id.c_str(), format_rfc3339(u.created_at).c_str());
  }
  return 0;
}

}  // namespace smartdairy::app
