#include "auth/auth_module.h"

#include <future>
#include <stdexcept>

#include "auth/credentials.h"
#include "core/log.h"

namespace smartdairy::auth {

AuthModule::AuthModule(AuthOptions options, db::Database& db, const Clock& clock, int hash_threads)
    : db_(db),
      service_(options, clock),
      authenticator_(service_, db.readers(), db.writer()),
      hashers_(hash_threads, 256) {
  if (!init_crypto()) throw std::runtime_error("libsodium failed to initialise");
  auto promise = std::make_shared<std::promise<std::string>>();
  dummy_hash_ = promise->get_future().share();
  Status st = hashers_.submit([promise] {
    auto h = hash_password(random_token(24));
    promise->set_value(h.ok() ? *h : std::string());
  });
  if (!st.ok()) throw std::runtime_error("cannot start the password hashing pool");
}

AuthModule::~AuthModule() { hashers_.stop(); }

Status AuthModule::bootstrap_admin(const std::string& password) {
  // Runs before the server accepts requests, so blocking on the writer here is fine.
  std::string pw = password.empty() ? random_token(18) : password;
  if (!password.empty()) SD_RETURN_IF_ERROR(check_password_policy(pw, "admin"));
  std::promise<Result<bool>> done;
  auto created = std::make_shared<std::optional<Result<bool>>>();
  SD_RETURN_IF_ERROR(db_.writer().submit(
      db::WriteJob{[this, pw, created](db::Connection& tx) {
                     auto n = store::count_users(tx);
                     if (!n.ok()) {
                       created->emplace(n.error());
                       return false;
                     }
                     if (*n > 0) {
                       created->emplace(false);
                       return true;
                     }
                     // Hashing on the writer thread is acceptable once, on the very first start.
                     auto hash = hash_password(pw);
                     if (!hash.ok()) {
                       created->emplace(hash.error());
                       return false;
                     }
                     auto u = service_.create_user(tx, "admin", "admin", *hash, "system");
                     if (!u.ok()) {
                       created->emplace(u.error());
                       return false;
                     }
                     created->emplace(true);
                     return true;
                   },
                   [&done, created](const Status& commit) {
                     if (!commit.ok()) {
                       done.set_value(commit.error());
                     } else if (!created->has_value()) {
                       done.set_value(Error::internal("bootstrap did not run"));
                     } else {
                       done.set_value(std::move(**created));
                     }
                   }}));
  auto result = done.get_future().get();
  if (!result.ok()) return std::move(result).error();
  if (*result) {
    if (password.empty()) {
      log::warn(
          "created the first user 'admin' with a one-time password; it is shown only "
          "now. Log in and keep it safe, or set SMARTDAIRY_ADMIN_PASSWORD before first "
          "start.",
          {{"username", "admin"}, {"password", pw}});
    } else {
      log::warn(
          "created the first user 'admin' with the password from "
          "SMARTDAIRY_ADMIN_PASSWORD",
          {{"username", "admin"}});
    }
  }
  return {};
}

}  // namespace smartdairy::auth
