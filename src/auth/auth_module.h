#pragma once

#include <future>
#include <memory>
#include <string>

#include "auth/auth_service.h"
#include "auth/login_throttle.h"
#include "auth/session_authenticator.h"
#include "core/work_pool.h"
#include "db/database.h"
#include "http/router.h"

namespace smartdairy::auth {

// The auth module's entry points: its routes, its authenticator for the server, and the
// first-start admin.
class AuthModule {
 public:
  AuthModule(AuthOptions options, db::Database& db, const Clock& clock, int hash_threads = 2);
  ~AuthModule();

  http::Authenticator& authenticator() { return authenticator_; }
  AuthService& service() { return service_; }

  // POST /api/v1/auth/login, logout, GET me, tokens (create, list, revoke).
  void register_routes(http::Router& router);

  // Requires: the writer is running. When there are no users, creates `admin` with
  // `password` or, when empty, a random one that is printed once to the log.
  Status bootstrap_admin(const std::string& password);

  // Used by the routes (public so the route functions can reach them).
  db::Database& db_;
  AuthService service_;
  SessionAuthenticator authenticator_;
  LoginThrottle throttle_;
  WorkPool hashers_;
  // Verified against for unknown users, so that they take as long as known ones (SR-15).
  // Computed on the hash pool after start-up, keeping start-up fast.
  std::shared_future<std::string> dummy_hash_;
};

}  // namespace smartdairy::auth
