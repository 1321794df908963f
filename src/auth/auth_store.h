#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "db/sqlite.h"

namespace smartdairy::auth {

struct User {
  std::string id;
  std::string username;
  std::string role;
  std::string password_hash;
  bool active = true;
  int64_t created_at = 0;
};

struct SessionRow {
  std::string id;  // digest of the cookie value
  std::string user_id;
  std::string username;
  std::string role;
  std::string csrf_token;
  int64_t created_at = 0;
  int64_t last_seen_at = 0;
  int64_t expires_at = 0;
  std::string remote_ip;
};

struct TokenRow {
  std::string id;
  std::string user_id;
  std::string username;
  std::string role;
  std::string name;
  int64_t created_at = 0;
  std::optional<int64_t> expires_at;
  std::optional<int64_t> last_used_at;
};

// SQL for users, sessions and API tokens. Returns domain rows; decides no business rules.
namespace store {

Result<std::optional<User>> find_user_by_name(db::Connection& c, const std::string& username);
Result<std::vector<User>> list_users(db::Connection& c);
Result<int64_t> count_users(db::Connection& c);
// Requires: a write transaction.
Status insert_user(db::Connection& c, const User& u, int64_t now);
Status update_password(db::Connection& c, const std::string& user_id, const std::string& hash,
                       int64_t now);

Status insert_session(db::Connection& c, const SessionRow& s);
// An unrevoked, unexpired session of an active user, or nullopt.
Result<std::optional<SessionRow>> find_session(db::Connection& c, const std::string& id,
                                               int64_t now);
Status touch_session(db::Connection& c, const std::string& id, int64_t last_seen);
Status revoke_session(db::Connection& c, const std::string& id, int64_t now);
Status revoke_user_sessions(db::Connection& c, const std::string& user_id, int64_t now);
// Revokes every session of the user except `keep`.
Status revoke_other_sessions(db::Connection& c, const std::string& user_id, const std::string& keep,
                             int64_t now);
// The user's sessions that are neither revoked nor past their absolute expiry.
Result<std::vector<SessionRow>> list_sessions(db::Connection& c, const std::string& user_id,
                                              int64_t now);
// Revokes session `id` if it belongs to `user_id`; false when there is no such live session.
Result<bool> revoke_own_session(db::Connection& c, const std::string& id,
                                const std::string& user_id, int64_t now);
Result<std::optional<User>> find_user(db::Connection& c, const std::string& id);

Status insert_token(db::Connection& c, const TokenRow& t, const std::string& token_hash);
// An unrevoked, unexpired token of an active user, or nullopt.
Result<std::optional<TokenRow>> find_token(db::Connection& c, const std::string& token_hash,
                                           int64_t now);
Result<std::vector<TokenRow>> list_tokens(db::Connection& c, const std::string& user_id);
// Revokes token `id` if it belongs to `owner` (any owner when owner is empty); false when
// there is no such live token.
Result<bool> revoke_token(db::Connection& c, const std::string& id, const std::string& owner,
                          int64_t now);
Status touch_token(db::Connection& c, const std::string& id, int64_t now);

}  // namespace store
}  // namespace smartdairy::auth
