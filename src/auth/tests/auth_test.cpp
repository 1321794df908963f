#include <gtest/gtest.h>
#include <sodium.h>

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "auth/auth_module.h"
#include "auth/auth_service.h"
#include "auth/auth_store.h"
#include "auth/credentials.h"
#include "auth/login_throttle.h"
#include "auth/permissions.h"
#include "core/clock.h"
#include "core/uuid.h"
#include "db/database.h"
#include "db/migrations.h"
#include "db/tests/db_test_util.h"
#include "events/outbox.h"
#include "http/router.h"

namespace smartdairy::auth {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::seconds;
using TimePoint = LoginThrottle::Clock::time_point;

const TimePoint kT0{hours(1000)};

std::string repeat(std::string_view unit, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += unit;
  return s;
}

// --- LoginThrottle -------------------------------------------------------------------

TEST(LoginThrottleTest, FreeFailuresThenDoublingDelayCappedAtOneMinute) {
  LoginThrottle throttle;  // 5 free failures per user, 20 per address
  TimePoint t = kT0;
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(throttle.retry_after("10.0.0.1", "alice", t), 0) << "failure " << i;
    throttle.record_failure("10.0.0.1", "alice", t);
  }
  for (int expected : {1, 2, 4, 8, 16, 32, 60, 60}) {
    EXPECT_EQ(throttle.retry_after("10.0.0.1", "alice", t), expected);
    EXPECT_EQ(throttle.retry_after("10.0.0.1", "alice", t + seconds(expected) - milliseconds(1)),
              1);
    EXPECT_EQ(throttle.retry_after("10.0.0.1", "alice", t + seconds(expected)), 0);
    // Another account from the same address is not held back by alice's failures.
    EXPECT_EQ(throttle.retry_after("10.0.0.1", "bob", t), 0);
    t += seconds(expected);
    throttle.record_failure("10.0.0.1", "alice", t);
  }
}

TEST(LoginThrottleTest, AddressIsThrottledAcrossUsernames) {
  LoginThrottle throttle;
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(throttle.retry_after("10.0.0.9", "user" + std::to_string(i), kT0), 0);
    throttle.record_failure("10.0.0.9", "user" + std::to_string(i), kT0);
  }
  EXPECT_EQ(throttle.retry_after("10.0.0.9", "someone-new", kT0), 1);
  EXPECT_EQ(throttle.retry_after("10.0.0.8", "someone-new", kT0), 0);
  EXPECT_EQ(throttle.retry_after("10.0.0.8", "user3", kT0), 0);
}

TEST(LoginThrottleTest, HourlyCapWaitsForTheOldestFailureToLeaveTheWindow) {
  LoginThrottle::Options options;
  options.free_failures_per_user = 1000;  // isolate the cap from the delays
  options.free_failures_per_ip = 1000;
  options.max_per_hour = 100;
  LoginThrottle throttle(options);
  for (int i = 0; i < 100; ++i) {
    throttle.record_failure("10.0.0.1", "alice", kT0 + seconds(10 * i));
  }
  // The 100th failure came at +990 s; the oldest (at +0 s) leaves the window at +3600 s.
  EXPECT_EQ(throttle.retry_after("10.0.0.1", "alice", kT0 + seconds(1000)), 2600);
  EXPECT_EQ(throttle.retry_after("10.0.0.2", "alice", kT0 + seconds(1000)), 2600);
  EXPECT_EQ(throttle.retry_after("10.0.0.1", "alice", kT0 + seconds(3599)), 1);
  EXPECT_EQ(throttle.retry_after("10.0.0.1", "alice", kT0 + seconds(3600)), 0);
  // One more failure fills the window again until the next-oldest (+10 s) leaves it.
  throttle.record_failure("10.0.0.1", "alice", kT0 + seconds(3600));
  EXPECT_EQ(throttle.retry_after("10.0.0.1", "alice", kT0 + seconds(3600)), 10);
}

TEST(LoginThrottleTest, SuccessClearsTheAccountButNotTheAddress) {
  LoginThrottle throttle;
  for (int i = 0; i < 20; ++i) throttle.record_failure("10.0.0.1", "alice", kT0);
  EXPECT_EQ(throttle.retry_after("10.0.0.1", "alice", kT0), 60);  // account: 15 over, capped
  EXPECT_EQ(throttle.retry_after("10.0.0.2", "alice", kT0), 60);

  throttle.record_success("alice");
  EXPECT_EQ(throttle.retry_after("10.0.0.2", "alice", kT0), 0);
  EXPECT_EQ(throttle.retry_after("10.0.0.1", "alice", kT0), 1);  // the address still waits
  EXPECT_EQ(throttle.retry_after("10.0.0.1", "bob", kT0), 1);
}

// --- Credentials ---------------------------------------------------------------------

class CredentialsTest : public ::testing::Test {
 protected:
  static constexpr std::string_view kPassword = "correct horse battery staple";
  // argon2id costs ~50 ms, so the suite hashes once.
  static void SetUpTestSuite() {
    ASSERT_TRUE(init_crypto());
    auto h = hash_password(kPassword);
    ASSERT_TRUE(h.ok());
    hash_ = new std::string(*h);
  }
  static void TearDownTestSuite() {
    delete hash_;
    hash_ = nullptr;
  }
  static std::string* hash_;
};
std::string* CredentialsTest::hash_ = nullptr;

TEST_F(CredentialsTest, HashVerifiesOnlyTheRightPassword) {
  ASSERT_NE(hash_, nullptr);
  EXPECT_EQ(hash_->rfind("$argon2id$", 0), 0u) << *hash_;
  EXPECT_NE(hash_->find("m=19456,t=2,p=1"), std::string::npos) << *hash_;
  EXPECT_EQ(hash_->find(kPassword), std::string::npos);
  EXPECT_TRUE(verify_password(*hash_, kPassword));
  EXPECT_FALSE(verify_password(*hash_, "correct horse battery stapler"));
  EXPECT_FALSE(verify_password(*hash_, ""));
  EXPECT_FALSE(verify_password("not a hash", kPassword));
}

TEST_F(CredentialsTest, NeedsRehashOnlyForWeakerParameters) {
  ASSERT_NE(hash_, nullptr);
  EXPECT_FALSE(needs_rehash(*hash_));
  // A hash made with the minimum argon2id cost, as an older release might have stored.
  char weak[crypto_pwhash_STRBYTES];
  ASSERT_EQ(crypto_pwhash_str_alg(
                weak, kPassword.data(), kPassword.size(), crypto_pwhash_argon2id_OPSLIMIT_MIN,
                crypto_pwhash_argon2id_MEMLIMIT_MIN, crypto_pwhash_ALG_ARGON2ID13),
            0);
  EXPECT_TRUE(verify_password(weak, kPassword));
  EXPECT_TRUE(needs_rehash(weak));
}

// `n` code points of ASCII that is on no common-password list.
std::string ascii(int n) {
  static constexpr std::string_view kPattern = "k3Vq9Xm2Lp7Rt5Wn";
  std::string s;
  for (int i = 0; i < n; ++i) s += kPattern[i % kPattern.size()];
  return s;
}

TEST(PasswordPolicyTest, CountsUnicodeCodePointsFrom12To128) {
  struct Case {
    std::string password;
    bool ok;
  };
  const std::string e_acute = "\xC3\xA9";      // 2 bytes
  const std::string cow = "\xF0\x9F\x90\x84";  // 4 bytes
  const std::vector<Case> cases = {
      {ascii(11), false},
      {ascii(12), true},
      {ascii(128), true},
      {ascii(129), false},
      {repeat(e_acute, 11), false},
      {repeat(e_acute, 12), true},
      {repeat(e_acute, 128), true},
      {repeat(e_acute, 129), false},
      {repeat(cow, 11), false},
      {repeat(cow, 12), true},
      {"", false},
  };
  for (const auto& c : cases) {
    Status st = check_password_policy(c.password);
    EXPECT_EQ(st.ok(), c.ok) << c.password.size() << " bytes: " << c.password;
    if (!st.ok()) {
      EXPECT_EQ(st.error().kind, ErrorKind::kUnprocessable);
      EXPECT_EQ(st.error().code, "weak_password");
    }
  }
  Status short_one = check_password_policy(repeat(e_acute, 11));
  ASSERT_FALSE(short_one.ok());
  EXPECT_NE(short_one.error().message.find("has 11"), std::string::npos)
      << short_one.error().message;
}

TEST(PasswordPolicyTest, RejectsCommonPasswordsAndTheUsername) {
  auto words = common_passwords();
  ASSERT_FALSE(words.empty());
  EXPECT_TRUE(std::is_sorted(words.begin(), words.end()));
  // A listed word of policy length is refused in any letter case.
  auto listed = std::find_if(words.begin(), words.end(), [](std::string_view w) {
    return w.size() >= 12 && w.size() <= 128 &&
           w.find_first_not_of("abcdefghijklmnopqrstuvwxyz") == std::string_view::npos;
  });
  ASSERT_NE(listed, words.end());
  std::string upper(*listed);
  for (auto& ch : upper) ch = static_cast<char>(ch - 'a' + 'A');
  for (const std::string& pw : {std::string(*listed), upper}) {
    Status st = check_password_policy(pw);
    ASSERT_FALSE(st.ok()) << pw;
    EXPECT_EQ(st.error().code, "weak_password");
  }

  Status has_name = check_password_policy("k3Vq9-ALICE-Xm2Lp", "alice");
  ASSERT_FALSE(has_name.ok());
  EXPECT_EQ(has_name.error().code, "weak_password");
  EXPECT_TRUE(check_password_policy("k3Vq9-ALICE-Xm2Lp", "bob").ok());
  EXPECT_TRUE(check_password_policy(ascii(12), "").ok());
}

TEST(SecretDigestTest, IsStableLowerCaseBlake2b256Hex) {
  EXPECT_EQ(secret_digest(""), "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
  EXPECT_EQ(secret_digest("abc"),
            "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
  std::string d = secret_digest("sdt_some-token");
  EXPECT_EQ(d, secret_digest("sdt_some-token"));
  EXPECT_NE(d, secret_digest("sdt_some-tokem"));
  ASSERT_EQ(d.size(), 64u);
  EXPECT_EQ(d.find_first_not_of("0123456789abcdef"), std::string::npos);
}

TEST(RandomTokenTest, IsUniqueAndUrlSafe) {
  std::set<std::string> seen;
  for (int i = 0; i < 500; ++i) {
    std::string t = random_token();
    EXPECT_EQ(t.size(), 43u);  // 32 bytes, base64url without padding
    EXPECT_EQ(
        t.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
        std::string::npos)
        << t;
    seen.insert(t);
  }
  EXPECT_EQ(seen.size(), 500u);
  EXPECT_EQ(random_token(18).size(), 24u);
}

TEST(ConstantTimeEqualTest, ComparesWholeStrings) {
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_TRUE(constant_time_equal("", ""));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "abcd"));
}

// --- Permissions ---------------------------------------------------------------------

TEST(PermissionsTest, RouteLevelPermissionsAreInTheCatalogue) {
  // Declared by the platform routes (app/) and the auth module.
  for (std::string_view p : {"events.read", "users.manage", "tokens.manage"}) {
    EXPECT_TRUE(is_known_permission(p)) << p;
  }
  EXPECT_FALSE(is_known_permission(""));
  EXPECT_FALSE(is_known_permission("events.write"));
  EXPECT_FALSE(is_known_permission(http::kPublic.name));
}

TEST(PermissionsTest, RolesHoldTheirGrants) {
  EXPECT_FALSE(role_allows("viewer", "events.read"));
  EXPECT_TRUE(role_allows("manager", "events.read"));
  EXPECT_FALSE(role_allows("manager", "users.manage"));
  EXPECT_TRUE(role_allows("admin", "users.manage"));
  EXPECT_TRUE(role_allows("admin", "events.read"));
  for (std::string_view role : kRoles) {
    EXPECT_TRUE(is_role(role));
    EXPECT_TRUE(role_allows(role, "tokens.manage")) << role;
  }
  EXPECT_FALSE(is_role("root"));
  EXPECT_FALSE(role_allows("root", "tokens.manage"));
  EXPECT_FALSE(role_allows("admin", "no.such.permission"));
  EXPECT_EQ(permissions_of("viewer"),
            (std::vector<std::string_view>{"analytics.read", "customers.read", "farm.kpis",
                                           "herd.read", "inventory.read", "invoices.read",
                                           "orders.read", "products.read", "tokens.manage"}));
  // The herd: farm staff record animals and milk, vets health; sales and accountants see
  // the farm's KPIs and nothing else of the herd.
  for (std::string_view role : kRoles) {
    bool office = role == "sales" || role == "accountant";
    EXPECT_EQ(role_allows(role, "herd.read"), !office) << role;
    EXPECT_TRUE(role_allows(role, "farm.kpis")) << role;
    EXPECT_EQ(role_allows(role, "herd.write"),
              role == "admin" || role == "manager" || role == "farm")
        << role;
    EXPECT_EQ(role_allows(role, "herd.health"),
              role == "admin" || role == "manager" || role == "vet")
        << role;
  }
  // Salaries and price overrides are the sensitive ones: exactly these roles hold them.
  for (std::string_view role : kRoles) {
    EXPECT_EQ(role_allows(role, "employees.salary"), role == "admin" || role == "accountant")
        << role;
    EXPECT_EQ(role_allows(role, "orders.override_price"), role == "admin" || role == "manager")
        << role;
    // The SQL console.
    EXPECT_EQ(role_allows(role, "analytics.query"), role == "admin" || role == "manager") << role;
    EXPECT_EQ(role_allows(role, "users.manage"), role == "admin") << role;
  }
  EXPECT_TRUE(permissions_of("root").empty());
}

// --- AuthService ---------------------------------------------------------------------

class AuthServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db::DatabaseOptions options;
    options.path = dir_.file("app.db");
    options.readers = 1;
    auto db = db::Database::open(options, db::embedded_migrations());
    ASSERT_TRUE(db.ok()) << db.error().message;
    db_ = std::move(*db);
    db_->writer().start();
  }
  void TearDown() override {
    if (db_) db_->close();
  }

  // Runs `fn` in a write transaction, keeping its changes only when it succeeds.
  template <class F>
  auto tx(F fn) {
    return db::test::transact(db_->writer(), fn);
  }

  Result<User> create(const std::string& name, const std::string& role = "viewer") {
    return tx([&](db::Connection& c) {
      return service_.create_user(c, name, role, "hash-of-" + name, "admin");
    });
  }
  Result<NewSession> login(const User& user) {
    return tx([&](db::Connection& c) {
      return service_.open_session(c, user, "192.0.2.7", std::nullopt);
    });
  }
  std::optional<SessionRow> find_session(const std::string& id) {
    auto s = tx([&](db::Connection& c) { return store::find_session(c, id, clock_.now_micros()); });
    EXPECT_TRUE(s.ok());
    return s.ok() ? *s : std::nullopt;
  }
  std::optional<TokenRow> find_token(const std::string& token) {
    auto t = tx([&](db::Connection& c) {
      return store::find_token(c, secret_digest(token), clock_.now_micros());
    });
    EXPECT_TRUE(t.ok());
    return t.ok() ? *t : std::nullopt;
  }
  std::optional<User> find_user(const std::string& name) {
    auto u = tx([&](db::Connection& c) { return store::find_user_by_name(c, name); });
    EXPECT_TRUE(u.ok());
    return u.ok() ? *u : std::nullopt;
  }
  std::vector<events::Event> audit_log() {
    auto conn = db::test::open_reader(db_->path());
    if (!conn) return {};
    auto evs = events::read_after(*conn, 0, 1000);
    EXPECT_TRUE(evs.ok());
    return evs.ok() ? *evs : std::vector<events::Event>{};
  }

  db::test::TempDir dir_;
  FakeClock clock_;
  AuthService service_{AuthOptions{}, clock_};
  std::unique_ptr<db::Database> db_;
};

TEST_F(AuthServiceTest, CreateUserNormalizesTheNameAndAuditsIt) {
  auto u = create("Alice.Smith_2", "manager");
  ASSERT_TRUE(u.ok()) << u.error().message;
  EXPECT_EQ(u->username, "alice.smith_2");
  EXPECT_EQ(u->role, "manager");
  EXPECT_TRUE(is_uuid(u->id));
  EXPECT_EQ(u->created_at, clock_.now_micros());

  auto stored = find_user("alice.smith_2");
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->id, u->id);
  EXPECT_EQ(stored->password_hash, "hash-of-Alice.Smith_2");
  EXPECT_TRUE(stored->active);

  auto log = audit_log();
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].type, "user.created");
  EXPECT_EQ(log[0].aggregate_type, "user");
  EXPECT_EQ(log[0].aggregate_id, u->id);
  EXPECT_EQ(log[0].actor, "admin");
  EXPECT_EQ(log[0].occurred_at, clock_.now_micros());
  boost::json::value data = boost::json::parse(log[0].data);
  EXPECT_EQ(data.at("username").as_string(), "alice.smith_2");
  EXPECT_EQ(data.at("role").as_string(), "manager");
  EXPECT_FALSE(data.as_object().contains("password_hash"));
}

TEST_F(AuthServiceTest, CreateUserRejectsTakenNamesAndBadInput) {
  ASSERT_TRUE(create("alice").ok());

  auto dup = create("ALICE");
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().kind, ErrorKind::kConflict);
  EXPECT_EQ(dup.error().code, "username_taken");

  auto bad_role = create("bob", "superuser");
  ASSERT_FALSE(bad_role.ok());
  EXPECT_EQ(bad_role.error().kind, ErrorKind::kUnprocessable);
  EXPECT_EQ(bad_role.error().code, "invalid_role");

  for (const std::string& name : {std::string(""), std::string("bad name"), std::string("bob@x"),
                                  std::string("b\xC3\xB6"
                                              "b"),
                                  std::string(65, 'b')}) {
    auto bad = create(name);
    ASSERT_FALSE(bad.ok()) << name;
    EXPECT_EQ(bad.error().kind, ErrorKind::kUnprocessable) << name;
    EXPECT_EQ(bad.error().code, "invalid_username") << name;
  }
  EXPECT_TRUE(create(std::string(64, 'b')).ok());

  // Only the two successful writes were audited.
  auto log = audit_log();
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].type, "user.created");
  EXPECT_EQ(log[1].type, "user.created");
}

TEST_F(AuthServiceTest, OpenSessionStoresOnlyTheTokenDigest) {
  auto u = create("alice", "sales");
  ASSERT_TRUE(u.ok());
  auto s = login(*u);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->token.size(), 43u);
  EXPECT_EQ(s->row.id, secret_digest(s->token));
  EXPECT_NE(s->row.csrf_token, s->token);

  auto found = find_session(s->row.id);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->user_id, u->id);
  EXPECT_EQ(found->username, "alice");
  EXPECT_EQ(found->role, "sales");
  EXPECT_EQ(found->csrf_token, s->row.csrf_token);
  EXPECT_EQ(found->remote_ip, "192.0.2.7");
  EXPECT_EQ(found->created_at, clock_.now_micros());
  EXPECT_EQ(found->expires_at, clock_.now_micros() + 12LL * 3600 * 1'000'000);

  // The cookie value itself is stored nowhere.
  auto conn = db::test::open_reader(db_->path());
  EXPECT_EQ(db::test::scalar(*conn, "SELECT count(*) FROM sessions WHERE id = ? OR csrf_token = ?",
                             s->token, s->token),
            0);
  EXPECT_FALSE(find_session(s->token).has_value());

  // A login that upgrades the hash stores the new one.
  auto upgraded = tx([&](db::Connection& c) {
    return service_.open_session(c, *u, "192.0.2.7", std::string("stronger-hash"));
  });
  ASSERT_TRUE(upgraded.ok());
  EXPECT_EQ(find_user("alice")->password_hash, "stronger-hash");
}

TEST_F(AuthServiceTest, SessionEndsAtTheAbsoluteTimeout) {
  auto u = create("alice");
  ASSERT_TRUE(u.ok());
  auto s = login(*u);
  ASSERT_TRUE(s.ok());

  clock_.advance(hours(12) - std::chrono::microseconds(1));
  EXPECT_TRUE(find_session(s->row.id).has_value());
  clock_.advance(std::chrono::microseconds(1));
  EXPECT_FALSE(find_session(s->row.id).has_value());
}

TEST_F(AuthServiceTest, CloseSessionRevokesIt) {
  auto u = create("alice");
  ASSERT_TRUE(u.ok());
  auto s = login(*u);
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE(
      tx([&](db::Connection& c) { return service_.close_session(c, s->row.id, "alice"); }).ok());
  EXPECT_FALSE(find_session(s->row.id).has_value());
}

TEST_F(AuthServiceTest, SetPasswordRevokesEverySessionOfThatUser) {
  auto alice = create("alice");
  auto bob = create("bob");
  ASSERT_TRUE(alice.ok() && bob.ok());
  auto a1 = login(*alice);
  auto a2 = login(*alice);
  auto b1 = login(*bob);
  ASSERT_TRUE(a1.ok() && a2.ok() && b1.ok());

  clock_.advance(seconds(30));
  ASSERT_TRUE(tx([&](db::Connection& c) {
                return service_.set_password(c, "Alice", "new-hash", "admin");
              }).ok());
  EXPECT_FALSE(find_session(a1->row.id).has_value());
  EXPECT_FALSE(find_session(a2->row.id).has_value());
  EXPECT_TRUE(find_session(b1->row.id).has_value());
  EXPECT_EQ(find_user("alice")->password_hash, "new-hash");

  auto log = audit_log();
  ASSERT_FALSE(log.empty());
  EXPECT_EQ(log.back().type, "user.password_changed");
  EXPECT_EQ(log.back().aggregate_id, alice->id);
  EXPECT_EQ(log.back().actor, "admin");
  EXPECT_EQ(log.back().occurred_at, clock_.now_micros());

  Status missing = tx(
      [&](db::Connection& c) { return service_.set_password(c, "nobody", "new-hash", "admin"); });
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(missing.error().code, "user_not_found");
}

TEST_F(AuthServiceTest, TokensAreFoundByDigestAndRevokedOnlyByTheirOwner) {
  auto alice = create("alice", "farm");
  auto bob = create("bob");
  ASSERT_TRUE(alice.ok() && bob.ok());
  auto t = tx([&](db::Connection& c) {
    return service_.create_token(c, alice->id, "alice", "milking robot", std::nullopt);
  });
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->token.rfind("sdt_", 0), 0u);
  EXPECT_TRUE(is_uuid(t->row.id));

  auto found = find_token(t->token);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->id, t->row.id);
  EXPECT_EQ(found->user_id, alice->id);
  EXPECT_EQ(found->username, "alice");
  EXPECT_EQ(found->role, "farm");
  EXPECT_EQ(found->name, "milking robot");
  EXPECT_EQ(found->expires_at, clock_.now_micros() + 365LL * 86'400'000'000LL);
  EXPECT_FALSE(find_token(t->token + "x").has_value());

  // Someone else's token is "not found", and stays usable.
  Status by_bob = tx([&](db::Connection& c) {
    return service_.revoke_token(c, t->row.id, bob->id, false, "bob");
  });
  ASSERT_FALSE(by_bob.ok());
  EXPECT_EQ(by_bob.error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(by_bob.error().code, "token_not_found");
  EXPECT_TRUE(find_token(t->token).has_value());

  // The owner revokes it; then it is gone, and revoking again is "not found".
  ASSERT_TRUE(tx([&](db::Connection& c) {
                return service_.revoke_token(c, t->row.id, alice->id, false, "alice");
              }).ok());
  EXPECT_FALSE(find_token(t->token).has_value());
  Status again = tx([&](db::Connection& c) {
    return service_.revoke_token(c, t->row.id, alice->id, false, "alice");
  });
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().kind, ErrorKind::kNotFound);

  // An administrator may revoke any owner's token.
  auto bobs = tx([&](db::Connection& c) {
    return service_.create_token(c, bob->id, "bob", "script", std::nullopt);
  });
  ASSERT_TRUE(bobs.ok());
  ASSERT_TRUE(tx([&](db::Connection& c) {
                return service_.revoke_token(c, bobs->row.id, alice->id, true, "alice");
              }).ok());
  EXPECT_FALSE(find_token(bobs->token).has_value());
}

TEST_F(AuthServiceTest, TokensExpireAndNeedAName) {
  auto alice = create("alice");
  ASSERT_TRUE(alice.ok());
  auto t = tx([&](db::Connection& c) {
    return service_.create_token(c, alice->id, "alice", "short-lived", int64_t{1});
  });
  ASSERT_TRUE(t.ok());
  clock_.advance(hours(24) - std::chrono::microseconds(1));
  EXPECT_TRUE(find_token(t->token).has_value());
  clock_.advance(std::chrono::microseconds(1));
  EXPECT_FALSE(find_token(t->token).has_value());

  auto unnamed = tx([&](db::Connection& c) {
    return service_.create_token(c, alice->id, "alice", "", std::nullopt);
  });
  ASSERT_FALSE(unnamed.ok());
  EXPECT_EQ(unnamed.error().kind, ErrorKind::kUnprocessable);
  EXPECT_EQ(unnamed.error().code, "invalid_field");
}

TEST_F(AuthServiceTest, EveryWriteAppendsItsAuditEventInOrder) {
  auto alice = create("alice");
  ASSERT_TRUE(alice.ok());
  clock_.advance(seconds(1));
  ASSERT_TRUE(
      tx([&](db::Connection& c) { return service_.set_password(c, "alice", "h2", "admin"); }).ok());
  clock_.advance(seconds(1));
  auto t = tx([&](db::Connection& c) {
    return service_.create_token(c, alice->id, "alice", "ci", std::nullopt);
  });
  ASSERT_TRUE(t.ok());
  clock_.advance(seconds(1));
  ASSERT_TRUE(tx([&](db::Connection& c) {
                return service_.revoke_token(c, t->row.id, alice->id, false, "alice");
              }).ok());

  struct Expected {
    std::string type;
    std::string aggregate_type;
    std::string aggregate_id;
    std::string actor;
  };
  const std::vector<Expected> expected = {
      {"user.created", "user", alice->id, "admin"},
      {"user.password_changed", "user", alice->id, "admin"},
      {"token.created", "api_token", t->row.id, "alice"},
      {"token.revoked", "api_token", t->row.id, "alice"},
  };
  auto log = audit_log();
  ASSERT_EQ(log.size(), expected.size());
  for (size_t i = 0; i < log.size(); ++i) {
    EXPECT_EQ(log[i].seq, static_cast<int64_t>(i) + 1);
    EXPECT_EQ(log[i].type, expected[i].type);
    EXPECT_EQ(log[i].aggregate_type, expected[i].aggregate_type);
    EXPECT_EQ(log[i].aggregate_id, expected[i].aggregate_id);
    EXPECT_EQ(log[i].actor, expected[i].actor);
    if (i > 0) {
      EXPECT_EQ(log[i].occurred_at, log[i - 1].occurred_at + 1'000'000);
    }
  }
  // The token's secret never reaches the audit trail.
  for (const auto& ev : log) EXPECT_EQ(ev.data.find(t->token), std::string::npos);
}

// --- The auth module's routes --------------------------------------------------------

TEST_F(AuthServiceTest, AuthModuleRoutesDeclareOnlyKnownPermissions) {
  AuthModule module(AuthOptions{}, *db_, clock_, 1);
  http::Router router(is_known_permission);
  EXPECT_NO_THROW(module.register_routes(router));
  ASSERT_FALSE(router.routes().empty());
  for (const auto& route : router.routes()) {
    std::string_view p = route->permission.name;
    EXPECT_TRUE(p == http::kPublic.name || p == http::kAuthenticated.name || is_known_permission(p))
        << route->pattern << " declares " << p;
  }
}

}  // namespace
}  // namespace smartdairy::auth
