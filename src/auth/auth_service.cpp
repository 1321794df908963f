#include "auth/auth_service.h"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "auth/credentials.h"
#include "auth/permissions.h"
#include "core/uuid.h"
#include "events/outbox.h"

namespace smartdairy::auth {

namespace {
int64_t micros(std::chrono::seconds s) { return s.count() * 1'000'000; }

Status audit(db::Connection& tx, const Clock& clock, std::string type, std::string aggregate,
             std::string id, std::string actor, const boost::json::object& data) {
  events::EventDraft d;
  d.type = std::move(type);
  d.aggregate_type = std::move(aggregate);
  d.aggregate_id = std::move(id);
  d.actor = std::move(actor);
  d.data = boost::json::serialize(data);
  auto r = events::append(tx, std::move(d), clock);
  if (!r.ok()) return std::move(r).error();
  return {};
}
}  // namespace

Result<std::string> AuthService::normalize_username(std::string_view username) {
  std::string out;
  bool ok = !username.empty() && username.size() <= 64;
  for (char c : username) {
    char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!((l >= 'a' && l <= 'z') || (l >= '0' && l <= '9') || l == '.' || l == '_' || l == '-')) {
      ok = false;
    }
    out.push_back(l);
  }
  if (!ok) {
    Error e = Error::unprocessable("invalid_username",
                                   "A username is 1 to 64 letters, digits, '.', '_' or '-'.");
    e.details.emplace_back("username");
    return e;
  }
  return out;
}

Result<User> AuthService::create_user(db::Connection& tx, const std::string& username,
                                      const std::string& role, const std::string& password_hash,
                                      const std::string& actor) {
  SD_ASSIGN_OR_RETURN(std::string name, normalize_username(username));
  if (!is_role(role)) {
    Error e = Error::unprocessable(
        "invalid_role",
        "Unknown role '" + role +
            "'. Choose one of: admin, manager, sales, accountant, farm, vet, viewer.");
    e.details.emplace_back("role");
    return e;
  }
  SD_ASSIGN_OR_RETURN(auto existing, store::find_user_by_name(tx, name));
  if (existing) {
    return Error::conflict("username_taken",
                           "A user named '" + name + "' already exists; choose another name.");
  }
  User u;
  u.id = new_uuid_v7();
  u.username = name;
  u.role = role;
  u.password_hash = password_hash;
  u.created_at = clock_.now_micros();
  SD_RETURN_IF_ERROR(store::insert_user(tx, u, u.created_at));
  SD_RETURN_IF_ERROR(audit(tx, clock_, "user.created", "user", u.id, actor,
                           {{"username", u.username}, {"role", u.role}}));
  return u;
}

Status AuthService::set_password(db::Connection& tx, const std::string& username,
                                 const std::string& password_hash, const std::string& actor) {
  SD_ASSIGN_OR_RETURN(std::string name, normalize_username(username));
  SD_ASSIGN_OR_RETURN(auto user, store::find_user_by_name(tx, name));
  if (!user) return Error::not_found("user_not_found", "There is no user named '" + name + "'.");
  int64_t now = clock_.now_micros();
  SD_RETURN_IF_ERROR(store::update_password(tx, user->id, password_hash, now));
  SD_RETURN_IF_ERROR(store::revoke_user_sessions(tx, user->id, now));
  return audit(tx, clock_, "user.password_changed", "user", user->id, actor,
               {{"username", user->username}});
}

Result<NewSession> AuthService::open_session(db::Connection& tx, const User& user,
                                             const std::string& remote_ip,
                                             const std::optional<std::string>& rehash) {
  NewSession s;
  s.token = random_token(32);  // 256 bits
  int64_t now = clock_.now_micros();
  s.row.id = secret_digest(s.token);
  s.row.user_id = user.id;
  s.row.username = user.username;
  s.row.role = user.role;
  s.row.csrf_token = random_token(32);
  s.row.created_at = now;
  s.row.last_seen_at = now;
  s.row.expires_at = now + micros(options_.absolute_timeout);
  s.row.remote_ip = remote_ip;
  SD_RETURN_IF_ERROR(store::insert_session(tx, s.row));
  if (rehash) SD_RETURN_IF_ERROR(store::update_password(tx, user.id, *rehash, now));
  return s;
}

Status AuthService::close_session(db::Connection& tx, const std::string& session_id,
                                  const std::string& /*actor*/) {
  return store::revoke_session(tx, session_id, clock_.now_micros());
}

Status AuthService::end_own_session(db::Connection& tx, const std::string& session_id,
                                    const std::string& user_id) {
  SD_ASSIGN_OR_RETURN(bool found,
                      store::revoke_own_session(tx, session_id, user_id, clock_.now_micros()));
  if (!found) {
    return Error::not_found("session_not_found",
                            "No active session with that id belongs to you; list yours with "
                            "GET /api/v1/auth/sessions.");
  }
  return {};
}

Status AuthService::change_own_password(db::Connection& tx, const std::string& user_id,
                                        const std::string& new_hash,
                                        const std::string& keep_session, const std::string& actor) {
  int64_t now = clock_.now_micros();
  SD_RETURN_IF_ERROR(store::update_password(tx, user_id, new_hash, now));
  SD_RETURN_IF_ERROR(store::revoke_other_sessions(tx, user_id, keep_session, now));
  return audit(tx, clock_, "user.password_changed", "user", user_id, actor, {});
}

Result<NewToken> AuthService::create_token(db::Connection& tx, const std::string& user_id,
                                           const std::string& actor, const std::string& name,
                                           std::optional<int64_t> expires_in_days) {
  if (name.find_first_not_of(" \t") == std::string::npos) {
    Error e =
        Error::unprocessable("invalid_field", "Give the token a name that says where it is used.");
    e.details.emplace_back("name");
    return e;
  }
  NewToken t;
  t.token = "sdt_" + random_token(32);
  int64_t now = clock_.now_micros();
  t.row.id = new_uuid_v7();
  t.row.user_id = user_id;
  t.row.name = name;
  t.row.created_at = now;
  int64_t days = expires_in_days.value_or(options_.default_token_days);
  t.row.expires_at = now + days * 86'400'000'000LL;
  SD_RETURN_IF_ERROR(store::insert_token(tx, t.row, secret_digest(t.token)));
  SD_RETURN_IF_ERROR(audit(tx, clock_, "token.created", "api_token", t.row.id, actor,
                           {{"name", name}, {"user_id", user_id}}));
  return t;
}

Status AuthService::revoke_token(db::Connection& tx, const std::string& token_id,
                                 const std::string& owner_id, bool any_owner,
                                 const std::string& actor) {
  SD_ASSIGN_OR_RETURN(bool found, store::revoke_token(tx, token_id, any_owner ? "" : owner_id,
                                                      clock_.now_micros()));
  if (!found) {
    return Error::not_found("token_not_found",
                            "No active API token with id " + token_id + " belongs to you.");
  }
  return audit(tx, clock_, "token.revoked", "api_token", token_id, actor, {});
}

std::string AuthService::session_cookie(const std::string& token) const {
  std::string c = cookie_name() + "=" + token + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
                  std::to_string(options_.absolute_timeout.count());
  if (options_.secure_cookies) c += "; Secure";
  return c;
}

std::string AuthService::clear_cookie() const {
  std::string c = cookie_name() + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0";
  if (options_.secure_cookies) c += "; Secure";
  return c;
}

}  // namespace smartdairy::auth
