#include "core/uuid.h"

#include <sodium.h>

#include <array>
#include <chrono>
#include <cstring>
#include <stdexcept>
#include <utility>

namespace smartdairy {

namespace {

constexpr std::uint16_t kCounterMax = 0xFFF;
// Seeding below half the range leaves at least 2048 increments per millisecond before the
// timestamp has to borrow from the future (RFC 9562 §6.2, counter rollover guard).
constexpr std::uint16_t kCounterSeedMask = 0x7FF;
constexpr std::uint64_t kTimestampMask = (std::uint64_t{1} << 48) - 1;

void ensure_sodium() {
  // sodium_init() is idempotent; the static makes later calls free.
  static const bool initialised = sodium_init() >= 0;
  if (!initialised) throw std::runtime_error("libsodium failed to initialise");
}

// randombytes_buf costs a getrandom() system call per use on Debian 12's libsodium; ids are
// made on every request, so draw from a per-thread buffer refilled 4 KiB at a time.
void random_bytes(unsigned char* out, std::size_t n) {
  thread_local std::array<unsigned char, 4096> pool;
  thread_local std::size_t pos = pool.size();
  if (pos + n > pool.size()) {
    randombytes_buf(pool.data(), pool.size());
    pos = 0;
  }
  std::memcpy(out, pool.data() + pos, n);
  sodium_memzero(pool.data() + pos, n);
  pos += n;
}

std::int64_t system_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool is_lower_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

}  // namespace

UuidV7Generator::UuidV7Generator(std::function<std::int64_t()> now_ms)
    : now_ms_(std::move(now_ms)) {}

std::string UuidV7Generator::next() {
  ensure_sodium();
  // Random bytes are drawn outside the lock: 8 for rand_b, 2 for a possible counter seed.
  std::array<unsigned char, 10> random{};
  random_bytes(random.data(), random.size());
  const auto seed = static_cast<std::uint16_t>(((random[8] << 8) | random[9]) & kCounterSeedMask);

  const std::int64_t now = now_ms_();
  const std::uint64_t clock_ms = now < 0 ? 0 : static_cast<std::uint64_t>(now);
  std::uint64_t ms = 0;
  std::uint16_t counter = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (clock_ms > last_ms_) {
      last_ms_ = clock_ms;
      counter_ = seed;
    } else if (counter_ < kCounterMax) {
      ++counter_;  // same millisecond, or the clock stepped back: stay on last_ms_
    } else {
      ++last_ms_;
      counter_ = seed;
    }
    ms = last_ms_ & kTimestampMask;
    counter = counter_;
  }

  std::array<unsigned char, 16> b{};
  for (int i = 0; i < 6; ++i) b[i] = static_cast<unsigned char>(ms >> (40 - 8 * i));
  b[6] = static_cast<unsigned char>(0x70 | (counter >> 8));  // version 7
  b[7] = static_cast<unsigned char>(counter & 0xFF);
  b[8] = static_cast<unsigned char>(0x80 | (random[0] & 0x3F));  // variant 10
  for (int i = 1; i < 8; ++i) b[8 + i] = random[i];

  constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (std::size_t i = 0; i < b.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += kHex[b[i] >> 4];
    out += kHex[b[i] & 0xF];
  }
  return out;
}

std::string new_uuid_v7() {
  static UuidV7Generator generator(system_now_ms);
  return generator.next();
}

bool is_uuid(std::string_view text) {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool hyphen_slot = i == 8 || i == 13 || i == 18 || i == 23;
    if (hyphen_slot ? text[i] != '-' : !is_lower_hex(text[i])) return false;
  }
  return true;
}

}  // namespace smartdairy
