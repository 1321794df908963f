#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "auth/auth_store.h"
#include "core/clock.h"
#include "core/result.h"
#include "db/sqlite.h"

namespace smartdairy::auth {

struct AuthOptions {
  std::chrono::seconds idle_timeout{2 * 3600};       // DESIGN.md §8: 2 h
  std::chrono::seconds absolute_timeout{12 * 3600};  // SR-18
  bool secure_cookies = false;                       // behind TLS: Secure + __Host- prefix
  std::chrono::seconds revalidate{10};               // how stale a cached session/token may be
  int default_token_days = 365;
};

struct NewSession {
  std::string token;  // the cookie value; never stored
  SessionRow row;
};

struct NewToken {
  std::string token;  // shown once; never stored
  TokenRow row;
};

// Business rules for users, sessions and tokens. Every function that writes requires a
// write transaction; changes to users and tokens append their audit event to the outbox in
// it (SR-31). Logins and logouts go to the security log instead (SR-30).
class AuthService {
 public:
  AuthService(AuthOptions options, const Clock& clock) : options_(options), clock_(clock) {}

  // Creates a user with an already-hashed password. 409 if the name is taken, 422 for an
  // unknown role or a malformed name.
  Result<User> create_user(db::Connection& tx, const std::string& username, const std::string& role,
                           const std::string& password_hash, const std::string& actor);
  // Replaces the password and revokes every session of the user (SR-18).
  Status set_password(db::Connection& tx, const std::string& username,
                      const std::string& password_hash, const std::string& actor);

  // Opens a session for a verified user; upgrades the stored hash when `rehash` is given.
  Result<NewSession> open_session(db::Connection& tx, const User& user,
                                  const std::string& remote_ip,
                                  const std::optional<std::string>& rehash);
  Status close_session(db::Connection& tx, const std::string& session_id, const std::string& actor);
  // Revokes one of the user's own sessions; 404 when it is not theirs or already ended.
  Status end_own_session(db::Connection& tx, const std::string& session_id,
                         const std::string& user_id);
  // The user's own password change (SR-14, SR-18): the new hash replaces the old one and
  // every other session of the user ends; `keep_session` (the caller's) stays.
  Status change_own_password(db::Connection& tx, const std::string& user_id,
                             const std::string& new_hash, const std::string& keep_session,
                             const std::string& actor);

  Result<NewToken> create_token(db::Connection& tx, const std::string& user_id,
                                const std::string& actor, const std::string& name,
                                std::optional<int64_t> expires_in_days);
  // Revokes a token owned by `owner_id` (any owner when `any_owner`); 404 otherwise.
  Status revoke_token(db::Connection& tx, const std::string& token_id, const std::string& owner_id,
                      bool any_owner, const std::string& actor);

  // Lower-cases and checks a username: 1-64 of [a-z0-9._-]. 422 otherwise.
  static Result<std::string> normalize_username(std::string_view username);

  const AuthOptions& options() const { return options_; }
  const Clock& clock() const { return clock_; }
  std::string cookie_name() const {
    return options_.secure_cookies ? "__Host-sd_session" : "sd_session";
  }
  // The Set-Cookie value for a new session, and the one that clears it.
  std::string session_cookie(const std::string& token) const;
  std::string clear_cookie() const;

 private:
  AuthOptions options_;
  const Clock& clock_;
};

}  // namespace smartdairy::auth
