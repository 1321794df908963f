#include "auth/auth_store.h"

namespace smartdairy::auth::store {

namespace {
constexpr std::string_view kUserCols =
    "SELECT id, username, role, password_hash, active, created_at FROM users ";

User read_user(const db::Query& q) {
  User u;
  u.id = q.text(0);
  u.username = q.text(1);
  u.role = q.text(2);
  u.password_hash = q.text(3);
  u.active = q.int64(4) != 0;
  u.created_at = q.int64(5);
  return u;
}
}  // namespace

Result<std::optional<User>> find_user_by_name(db::Connection& c, const std::string& username) {
  SD_ASSIGN_OR_RETURN(auto q, c.query(std::string(kUserCols) + "WHERE username = ?", username));
  SD_ASSIGN_OR_RETURN(bool row, q.step());
  if (!row) return std::optional<User>{};
  return std::optional<User>{read_user(q)};
}

Result<std::vector<User>> list_users(db::Connection& c) {
  SD_ASSIGN_OR_RETURN(auto q, c.query(std::string(kUserCols) + "ORDER BY username"));
  std::vector<User> out;
  for (;;) {
    SD_ASSIGN_OR_RETURN(bool row, q.step());
    if (!row) break;
    out.push_back(read_user(q));
  }
  return out;
}

Result<int64_t> count_users(db::Connection& c) {
  SD_ASSIGN_OR_RETURN(auto n, c.scalar_int64("SELECT count(*) FROM users"));
  return n.value_or(0);
}

Status insert_user(db::Connection& c, const User& u, int64_t now) {
  return c.execute(
      "INSERT INTO users (id, username, role, password_hash, active, created_at, updated_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?)",
      u.id, u.username, u.role, u.password_hash, u.active ? 1 : 0, now, now);
}

Status update_password(db::Connection& c, const std::string& user_id, const std::string& hash,
                       int64_t now) {
  return c.execute("UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?", hash, now,
                   user_id);
}

Status insert_session(db::Connection& c, const SessionRow& s) {
  return c.execute(
      "INSERT INTO sessions (id, user_id, csrf_token, created_at, last_seen_at, expires_at, "
      "remote_ip) VALUES (?, ?, ?, ?, ?, ?, ?)",
      s.id, s.user_id, s.csrf_token, s.created_at, s.last_seen_at, s.expires_at, s.remote_ip);
}

Result<std::optional<SessionRow>> find_session(db::Connection& c, const std::string& id,
                                               int64_t now) {
  SD_ASSIGN_OR_RETURN(
      auto q, c.query("SELECT s.id, s.user_id, u.username, u.role, s.csrf_token, s.created_at, "
                      "s.last_seen_at, s.expires_at, s.remote_ip FROM sessions s JOIN users u ON "
                      "u.id = s.user_id WHERE s.id = ? AND s.revoked_at IS NULL AND "
                      "s.expires_at > ? AND u.active = 1",
                      id, now));
  SD_ASSIGN_OR_RETURN(bool row, q.step());
  if (!row) return std::optional<SessionRow>{};
  SessionRow s;
  s.id = q.text(0);
  s.user_id = q.text(1);
  s.username = q.text(2);
  s.role = q.text(3);
  s.csrf_token = q.text(4);
  s.created_at = q.int64(5);
  s.last_seen_at = q.int64(6);
  s.expires_at = q.int64(7);
  s.remote_ip = q.text(8);
  return std::optional<SessionRow>{std::move(s)};
}

Status touch_session(db::Connection& c, const std::string& id, int64_t last_seen) {
  return c.execute("UPDATE sessions SET last_seen_at = ? WHERE id = ? AND last_seen_at < ?",
                   last_seen, id, last_seen);
}

Status revoke_session(db::Connection& c, const std::string& id, int64_t now) {
  return c.execute("UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", now,
                   id);
}

Status revoke_user_sessions(db::Connection& c, const std::string& user_id, int64_t now) {
  return c.execute("UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL",
                   now, user_id);
}

Status revoke_other_sessions(db::Connection& c, const std::string& user_id, const std::string& keep,
                             int64_t now) {
  return c.execute(
      "UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND id <> ? AND revoked_at IS NULL",
      now, user_id, keep);
}

Result<std::vector<SessionRow>> list_sessions(db::Connection& c, const std::string& user_id,
                                              int64_t now) {
  SD_ASSIGN_OR_RETURN(
      auto q, c.query("SELECT id, created_at, last_seen_at, expires_at, remote_ip FROM sessions "
                      "WHERE user_id = ? AND revoked_at IS NULL AND expires_at > ? "
                      "ORDER BY created_at",
                      user_id, now));
  std::vector<SessionRow> out;
  for (;;) {
    SD_ASSIGN_OR_RETURN(bool row, q.step());
    if (!row) break;
    SessionRow s;
    s.id = q.text(0);
    s.user_id = user_id;
    s.created_at = q.int64(1);
    s.last_seen_at = q.int64(2);
    s.expires_at = q.int64(3);
    s.remote_ip = q.text(4);
    out.push_back(std::move(s));
  }
  return out;
}

Result<bool> revoke_own_session(db::Connection& c, const std::string& id,
                                const std::string& user_id, int64_t now) {
  SD_RETURN_IF_ERROR(c.execute(
      "UPDATE sessions SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL", now,
      id, user_id));
  return c.changes() > 0;
}

Result<std::optional<User>> find_user(db::Connection& c, const std::string& id) {
  SD_ASSIGN_OR_RETURN(auto q, c.query(std::string(kUserCols) + "WHERE id = ?", id));
  SD_ASSIGN_OR_RETURN(bool row, q.step());
  if (!row) return std::optional<User>{};
  return std::optional<User>{read_user(q)};
}

Status insert_token(db::Connection& c, const TokenRow& t, const std::string& token_hash) {
  return c.execute(
      "INSERT INTO api_tokens (id, user_id, name, token_hash, created_at, expires_at) "
      "VALUES (?, ?, ?, ?, ?, ?)",
      t.id, t.user_id, t.name, token_hash, t.created_at, t.expires_at);
}

namespace {
TokenRow read_token(const db::Query& q) {
  TokenRow t;
  t.id = q.text(0);
  t.user_id = q.text(1);
  t.username = q.text(2);
  t.role = q.text(3);
  t.name = q.text(4);
  t.created_at = q.int64(5);
  t.expires_at = q.optional_int64(6);
  t.last_used_at = q.optional_int64(7);
  return t;
}
constexpr std::string_view kTokenCols =
    "SELECT t.id, t.user_id, u.username, u.role, t.name, t.created_at, t.expires_at, "
    "t.last_used_at FROM api_tokens t JOIN users u ON u.id = t.user_id ";
}  // namespace

Result<std::optional<TokenRow>> find_token(db::Connection& c, const std::string& token_hash,
                                           int64_t now) {
  SD_ASSIGN_OR_RETURN(auto q, c.query(std::string(kTokenCols) +
                                          "WHERE t.token_hash = ? AND t.revoked_at IS NULL AND "
                                          "(t.expires_at IS NULL OR t.expires_at > ?) AND "
                                          "u.active = 1",
                                      token_hash, now));
  SD_ASSIGN_OR_RETURN(bool row, q.step());
  if (!row) return std::optional<TokenRow>{};
  return std::optional<TokenRow>{read_token(q)};
}

Result<std::vector<TokenRow>> list_tokens(db::Connection& c, const std::string& user_id) {
  SD_ASSIGN_OR_RETURN(
      auto q, c.query(std::string(kTokenCols) + "WHERE t.user_id = ? AND t.revoked_at IS NULL "
                                                "ORDER BY t.id",
                      user_id));
  std::vector<TokenRow> out;
  for (;;) {
    SD_ASSIGN_OR_RETURN(bool row, q.step());
    if (!row) break;
    out.push_back(read_token(q));
  }
  return out;
}

Result<bool> revoke_token(db::Connection& c, const std::string& id, const std::string& owner,
                          int64_t now) {
  if (owner.empty()) {
    SD_RETURN_IF_ERROR(c.execute(
        "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", now, id));
  } else {
    SD_RETURN_IF_ERROR(c.execute(
        "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL",
        now, id, owner));
  }
  return c.changes() > 0;
}

Status touch_token(db::Connection& c, const std::string& id, int64_t now) {
  return c.execute("UPDATE api_tokens SET last_used_at = ? WHERE id = ?", now, id);
}

}  // namespace smartdairy::auth::store
