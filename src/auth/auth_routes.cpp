// JSON <-> AuthService for /api/v1/auth/*. No business rules here.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "auth/auth_module.h"
#include "auth/credentials.h"
#include "auth/permissions.h"
#include "core/json.h"
#include "core/log.h"
#include "core/text.h"
#include "http/db_await.h"
#include "http/error_response.h"

namespace smartdairy::auth {

namespace asio = boost::asio;
namespace json = boost::json;
using http::Request;
using http::Response;

namespace {

json::object user_json(const std::string& id, const std::string& username,
                       const std::string& role) {
  json::array perms;
  for (auto p : permissions_of(role)) perms.emplace_back(p);
  return {{"id", id}, {"username", username}, {"role", role}, {"permissions", std::move(perms)}};
}

json::object token_json(const TokenRow& t) {
  json::object o{{"id", t.id}, {"name", t.name}, {"created_at", format_rfc3339(t.created_at)}};
  o["expires_at"] = t.expires_at ? json::value(format_rfc3339(*t.expires_at)) : json::value();
  o["last_used_at"] = t.last_used_at ? json::value(format_rfc3339(*t.last_used_at)) : json::value();
  return o;
}

// Typed request bodies (SR-05): every field read explicitly, anything else is 422.
struct LoginRequest {
  std::string username;
  std::string password;
};

Result<LoginRequest> decode_login(std::string_view text) {
  SD_ASSIGN_OR_RETURN(auto body, parse_json(text));
  FieldReader r(body);
  LoginRequest out;
  SD_ASSIGN_OR_RETURN(out.username, r.required_string("username", 64));
  SD_ASSIGN_OR_RETURN(out.password, r.required_string("password", 1024));
  SD_RETURN_IF_ERROR(r.finish());
  return out;
}

struct CreateTokenRequest {
  std::string name;
  std::optional<int64_t> expires_in_days;
};

Result<CreateTokenRequest> decode_create_token(std::string_view text) {
  SD_ASSIGN_OR_RETURN(auto body, parse_json(text));
  FieldReader r(body);
  CreateTokenRequest out;
  SD_ASSIGN_OR_RETURN(out.name, r.required_string("name", 100));
  SD_ASSIGN_OR_RETURN(out.expires_in_days, r.optional_int64("expires_in_days", 1, 3650));
  SD_RETURN_IF_ERROR(r.finish());
  return out;
}

struct ChangePasswordRequest {
  std::string current_password;
  std::string new_password;
};

Result<ChangePasswordRequest> decode_change_password(std::string_view text) {
  SD_ASSIGN_OR_RETURN(auto body, parse_json(text));
  FieldReader r(body);
  ChangePasswordRequest out;
  SD_ASSIGN_OR_RETURN(out.current_password, r.required_string("current_password", 1024));
  SD_ASSIGN_OR_RETURN(out.new_password, r.required_string("new_password", 1024));
  SD_RETURN_IF_ERROR(r.finish());
  return out;
}

asio::awaitable<Response> login(AuthModule* m, Request& req) {
  auto cmd = decode_login(req.body);
  if (!cmd.ok()) co_return http::error_response(cmd.error(), req);
  std::string name = ascii_lower(cmd->username);
  auto now = m->service_.clock().steady_now();
  if (int wait = m->throttle_.retry_after(req.remote_ip, name, now); wait > 0) {
    Error e{
        ErrorKind::kTooManyRequests,
        "too_many_attempts",
        "Too many failed logins. Wait " + std::to_string(wait) + " seconds before trying again.",
        {},
        wait};
    log::warn("login throttled", {{"username", name}, {"remote", req.remote_ip}});
    co_return http::error_response(e, req);
  }

  auto find = [name](db::Connection& c) { return store::find_user_by_name(c, name); };
  auto user = co_await http::read(m->db_.readers(), find);
  if (!user.ok()) co_return http::error_response(user.error(), req);
  bool known = user->has_value() && (*user)->active;
  std::string hash = known ? (*user)->password_hash : std::string();
  std::string pw = cmd->password;
  auto dummy = m->dummy_hash_;
  auto check = [hash, pw, dummy]() -> Result<bool> {
    if (hash.empty()) {
      (void)verify_password(dummy.get(), pw);
      return false;
    }
    return verify_password(hash, pw);
  };
  auto verified = co_await http::offload(m->hashers_, check);
  if (!verified.ok()) co_return http::error_response(verified.error(), req);
  if (!known || !*verified) {
    m->throttle_.record_failure(req.remote_ip, name, m->service_.clock().steady_now());
    log::warn("login failed",
              {{"username", name}, {"remote", req.remote_ip}, {"request_id", req.request_id}});
    Error e = Error::unauthorized("Wrong username or password.");
    e.code = "invalid_credentials";
    co_return http::error_response(e, req);
  }
  m->throttle_.record_success(name);

  std::optional<std::string> rehash;
  if (needs_rehash(hash)) {
    auto rehash_job = [pw]() { return hash_password(pw); };
    auto h = co_await http::offload(m->hashers_, rehash_job);
    if (h.ok()) rehash = *h;
  }
  User u = **user;
  std::string ip = req.remote_ip;
  auto open = [m, u, ip, rehash](db::Connection& tx) {
    return m->service_.open_session(tx, u, ip, rehash);
  };
  auto session = co_await http::write(m->db_.writer(), open);
  if (!session.ok()) co_return http::error_response(session.error(), req);
  m->authenticator_.remember(session->row);
  log::info("login", {{"username", u.username}, {"remote", req.remote_ip}});

  json::object out{{"user", user_json(u.id, u.username, u.role)},
                   {"csrf_token", session->row.csrf_token},
                   {"expires_at", format_rfc3339(session->row.expires_at)}};
  Response resp = Response::json(200, out);
  resp.set_header("Set-Cookie", m->service_.session_cookie(session->token));
  co_return resp;
}

asio::awaitable<Response> logout(AuthModule* m, Request& req) {
  const auto& p = *req.principal;
  if (p.via_session) {
    std::string id = p.session_key;
    std::string actor = p.username;
    auto job = [m, id, actor](db::Connection& tx) {
      return m->service_.close_session(tx, id, actor);
    };
    auto st = co_await http::write(m->db_.writer(), job);
    if (!st.ok()) co_return http::error_response(st.error(), req);
    m->authenticator_.forget(id);
    log::info("logout", {{"username", p.username}});
  }
  Response resp = Response::no_content();
  resp.set_header("Set-Cookie", m->service_.clear_cookie());
  co_return resp;
}

asio::awaitable<Response> me(AuthModule*, Request& req) {
  const auto& p = *req.principal;
  json::object out = user_json(p.user_id, p.username, p.role);
  out["authenticated_by"] = p.via_session ? "session" : "token";
  // The web UI keeps the CSRF token per tab; a new tab of the same session reads it here.
  // Only a same-origin script can read this response (no CORS), as with the login answer.
  if (p.via_session) out["csrf_token"] = p.csrf_token;
  co_return Response::json(200, out);
}

asio::awaitable<Response> create_token(AuthModule* m, Request& req) {
  auto cmd = decode_create_token(req.body);
  if (!cmd.ok()) co_return http::error_response(cmd.error(), req);
  const auto& p = *req.principal;
  std::string user_id = p.user_id;
  std::string actor = p.username;
  std::string n = cmd->name;
  std::optional<int64_t> d = cmd->expires_in_days;
  auto job = [m, user_id, actor, n, d](db::Connection& tx) {
    return m->service_.create_token(tx, user_id, actor, n, d);
  };
  auto tok = co_await http::write(m->db_.writer(), job);
  if (!tok.ok()) co_return http::error_response(tok.error(), req);
  log::info("api token created", {{"username", actor}, {"token_id", tok->row.id}});
  json::object out = token_json(tok->row);
  out["token"] = tok->token;
  co_return Response::json(201, out);
}

asio::awaitable<Response> list_tokens(AuthModule* m, Request& req) {
  std::string user_id = req.principal->user_id;
  auto job = [user_id](db::Connection& c) { return store::list_tokens(c, user_id); };
  auto rows = co_await http::read(m->db_.readers(), job);
  if (!rows.ok()) co_return http::error_response(rows.error(), req);
  json::array items;
  for (const auto& t : *rows) items.emplace_back(token_json(t));
  co_return Response::json(200,
                           json::object{{"items", std::move(items)}, {"next_cursor", nullptr}});
}

asio::awaitable<Response> revoke_token(AuthModule* m, Request& req) {
  const auto& p = *req.principal;
  std::string id(req.param("id"));
  std::string owner = p.user_id;
  std::string actor = p.username;
  bool any = p.role == "admin";
  auto job = [m, id, owner, any, actor](db::Connection& tx) {
    return m->service_.revoke_token(tx, id, owner, any, actor);
  };
  auto st = co_await http::write(m->db_.writer(), job);
  if (!st.ok()) co_return http::error_response(st.error(), req);
  m->authenticator_.forget_token(id);
  log::info("api token revoked", {{"username", actor}, {"token_id", id}});
  co_return Response::no_content();
}

asio::awaitable<Response> list_sessions(AuthModule* m, Request& req) {
  std::string user_id = req.principal->user_id;
  std::string current = req.principal->session_key;
  int64_t now = m->service_.clock().now_micros();
  auto job = [user_id, now](db::Connection& c) { return store::list_sessions(c, user_id, now); };
  auto rows = co_await http::read(m->db_.readers(), job);
  if (!rows.ok()) co_return http::error_response(rows.error(), req);
  json::array items;
  for (const auto& s : *rows) {
    items.emplace_back(json::object{{"id", s.id},
                                    {"created_at", format_rfc3339(s.created_at)},
                                    {"last_seen_at", format_rfc3339(s.last_seen_at)},
                                    {"expires_at", format_rfc3339(s.expires_at)},
                                    {"remote_ip", s.remote_ip},
                                    {"current", s.id == current}});
  }
  co_return Response::json(200,
                           json::object{{"items", std::move(items)}, {"next_cursor", nullptr}});
}

asio::awaitable<Response> end_session(AuthModule* m, Request& req) {
  std::string id(req.param("id"));
  std::string user_id = req.principal->user_id;
  auto job = [m, id, user_id](db::Connection& tx) {
    return m->service_.end_own_session(tx, id, user_id);
  };
  auto st = co_await http::write(m->db_.writer(), job);
  if (!st.ok()) co_return http::error_response(st.error(), req);
  m->authenticator_.forget(id);
  co_return Response::no_content();
}

asio::awaitable<Response> change_password(AuthModule* m, Request& req) {
  auto cmd = decode_change_password(req.body);
  if (!cmd.ok()) co_return http::error_response(cmd.error(), req);
  const http::Principal p = *req.principal;
  if (int wait =
          m->throttle_.retry_after(req.remote_ip, p.username, m->service_.clock().steady_now());
      wait > 0) {
    co_return http::error_response(
        Error{ErrorKind::kTooManyRequests,
              "too_many_attempts",
              "Too many wrong passwords. Wait " + std::to_string(wait) + " seconds.",
              {},
              wait},
        req);
  }
  if (Status policy = check_password_policy(cmd->new_password, p.username); !policy.ok()) {
    Error e = policy.error();
    e.details = {"new_password"};
    co_return http::error_response(e, req);
  }
  std::string user_id = p.user_id;
  auto find = [user_id](db::Connection& c) { return store::find_user(c, user_id); };
  auto user = co_await http::read(m->db_.readers(), find);
  if (!user.ok()) co_return http::error_response(user.error(), req);
  if (!user->has_value()) co_return http::error_response(Error::unauthorized("Log in again."), req);
  std::string hash = (*user)->password_hash;
  std::string cur = cmd->current_password;
  std::string nxt = cmd->new_password;
  auto rehash = [hash, cur, nxt]() -> Result<std::optional<std::string>> {
    if (!verify_password(hash, cur)) return std::optional<std::string>{};
    SD_ASSIGN_OR_RETURN(std::string h, hash_password(nxt));
    return std::optional<std::string>{std::move(h)};
  };
  auto new_hash = co_await http::offload(m->hashers_, rehash);
  if (!new_hash.ok()) co_return http::error_response(new_hash.error(), req);
  if (!new_hash->has_value()) {
    m->throttle_.record_failure(req.remote_ip, p.username, m->service_.clock().steady_now());
    log::warn("password change with a wrong current password",
              {{"username", p.username}, {"remote", req.remote_ip}});
    Error e = Error::unprocessable("wrong_password", "The current password is not correct.");
    e.details = {"current_password"};
    co_return http::error_response(e, req);
  }
  std::string keep = p.session_key;
  std::string h = **new_hash;
  std::string actor = p.username;
  auto change = [m, user_id, h, keep, actor](db::Connection& tx) {
    return m->service_.change_own_password(tx, user_id, h, keep, actor);
  };
  auto st = co_await http::write(m->db_.writer(), change);
  if (!st.ok()) co_return http::error_response(st.error(), req);
  m->authenticator_.forget_user_sessions(user_id, keep);
  log::info("password changed; other sessions ended", {{"username", p.username}});
  co_return Response::no_content();
}

}  // namespace

void AuthModule::register_routes(http::Router& router) {
  using http::Method;
  router.add(Method::kPost, "/api/v1/auth/login", http::kPublic,
             [this](Request& r) { return login(this, r); });
  router.add(Method::kPost, "/api/v1/auth/logout", http::kAuthenticated,
             [this](Request& r) { return logout(this, r); });
  router.add(Method::kGet, "/api/v1/auth/me", http::kAuthenticated,
             [this](Request& r) { return me(this, r); });
  router.add(Method::kGet, "/api/v1/auth/sessions", http::kAuthenticated,
             [this](Request& r) { return list_sessions(this, r); });
  router.add(Method::kDelete, "/api/v1/auth/sessions/{id}", http::kAuthenticated,
             [this](Request& r) { return end_session(this, r); });
  router.add(Method::kPost, "/api/v1/auth/password", http::kAuthenticated,
             [this](Request& r) { return change_password(this, r); });
  router.add(Method::kPost, "/api/v1/auth/tokens", {"tokens.manage"},
             [this](Request& r) { return create_token(this, r); });
  router.add(Method::kGet, "/api/v1/auth/tokens", {"tokens.manage"},
             [this](Request& r) { return list_tokens(this, r); });
  router.add(Method::kDelete, "/api/v1/auth/tokens/{id}", {"tokens.manage"},
             [this](Request& r) { return revoke_token(this, r); });
}

}  // namespace smartdairy::auth
