#include "core/uuid.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

namespace smartdairy {
namespace {

// The 48-bit timestamp field of a UUIDv7 in text form.
std::uint64_t timestamp_ms(const std::string& id) {
  return std::stoull(id.substr(0, 8) + id.substr(9, 4), nullptr, 16);
}

// The 12-bit rand_a field, which this generator uses as a counter.
unsigned counter(const std::string& id) {
  return static_cast<unsigned>(std::stoul(id.substr(15, 3), nullptr, 16));
}

void expect_v7_layout(const std::string& id) {
  ASSERT_TRUE(is_uuid(id)) << id;
  EXPECT_EQ(id[14], '7') << id;                                          // version
  EXPECT_NE(std::string("89ab").find(id[19]), std::string::npos) << id;  // variant 10
}

TEST(UuidTest, FormatIsLowercaseV7WithCurrentTimestamp) {
  const auto before = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  const std::string id = new_uuid_v7();
  const auto after = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
  EXPECT_EQ(id.size(), 36u);
  expect_v7_layout(id);
  // The process generator may run at most a little ahead of the clock, never behind.
  EXPECT_GE(timestamp_ms(id), static_cast<std::uint64_t>(before));
  EXPECT_LE(timestamp_ms(id), static_cast<std::uint64_t>(after) + 1000);
}

TEST(UuidTest, IsUuidAcceptsOnlyCanonicalLowercase) {
  EXPECT_TRUE(is_uuid("0190b2a0-1c2d-7e3f-8a4b-5c6d7e8f9a0b"));
  EXPECT_TRUE(is_uuid("00000000-0000-0000-0000-000000000000"));
  EXPECT_TRUE(is_uuid("550e8400-e29b-41d4-a716-446655440000"));  // v4 is still a UUID
  EXPECT_FALSE(is_uuid("0190B2A0-1C2D-7E3F-8A4B-5C6D7E8F9A0B"));
  EXPECT_FALSE(is_uuid("0190b2a01c2d7e3f8a4b5c6d7e8f9a0b"));
  EXPECT_FALSE(is_uuid("{0190b2a0-1c2d-7e3f-8a4b-5c6d7e8f9a0b}"));
  EXPECT_FALSE(is_uuid("0190b2a0-1c2d-7e3f-8a4b-5c6d7e8f9a0"));
  EXPECT_FALSE(is_uuid("0190b2a0-1c2d-7e3f-8a4b-5c6d7e8f9a0b0"));
  EXPECT_FALSE(is_uuid("0190b2a0-1c2d-7e3f-8a4b_5c6d7e8f9a0b"));
  EXPECT_FALSE(is_uuid("0190b2a0-1c2d-7e3f-8a4b-5c6d7e8f9a0g"));
  EXPECT_FALSE(is_uuid(""));
}

TEST(UuidTest, FourThreadsProduce100kUniqueIncreasingIds) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 25000;
  std::vector<std::vector<std::string>> ids(kThreads);
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&out = ids[t]] {
      out.reserve(kPerThread);
      for (int i = 0; i < kPerThread; ++i) out.push_back(new_uuid_v7());
    });
  }
  for (std::thread& t : threads) t.join();

  std::vector<std::string> all;
  for (const std::vector<std::string>& seq : ids) {
    // Each thread sees strictly increasing ids, because generation is globally ordered.
    for (std::size_t i = 1; i < seq.size(); ++i) {
      ASSERT_LT(seq[i - 1], seq[i]) << "at " << i;
    }
    all.insert(all.end(), seq.begin(), seq.end());
  }
  std::sort(all.begin(), all.end());
  EXPECT_EQ(std::adjacent_find(all.begin(), all.end()), all.end()) << "duplicate id";
  EXPECT_EQ(all.size(), static_cast<std::size_t>(kThreads * kPerThread));
  for (const std::string& id : all) expect_v7_layout(id);
}

TEST(UuidTest, StaysIncreasingWhenTheClockStepsBack) {
  std::int64_t now = 1'700'000'000'000;
  UuidV7Generator gen([&now] { return now; });
  const std::string a = gen.next();
  now -= 60'000;  // NTP steps the clock back a minute
  const std::string b = gen.next();
  EXPECT_LT(a, b);
  EXPECT_EQ(timestamp_ms(b), 1'700'000'000'000u);
  EXPECT_EQ(counter(b), counter(a) + 1);
  now = -5;  // before the epoch
  EXPECT_LT(b, gen.next());
  now = 1'700'000'000'001;
  const std::string c = gen.next();
  EXPECT_GT(c, b);
  EXPECT_EQ(timestamp_ms(c), 1'700'000'000'001u);
}

TEST(UuidTest, CounterIsRandomlySeededPerMillisecondAndOverflowBorrowsTheNextOne) {
  std::int64_t now = 1'700'000'000'000;
  UuidV7Generator gen([&now] { return now; });
  std::string prev = gen.next();
  // The seed leaves the top counter bit clear, so at least 2048 ids fit in one millisecond.
  EXPECT_LT(counter(prev), 0x800u);
  int borrowed = 0;
  for (int i = 0; i < 10000; ++i) {
    const std::string id = gen.next();
    ASSERT_LT(prev, id);
    expect_v7_layout(id);
    if (timestamp_ms(id) != timestamp_ms(prev)) {
      ++borrowed;
      EXPECT_EQ(timestamp_ms(id), timestamp_ms(prev) + 1);
      EXPECT_EQ(counter(prev), 0xFFFu);
    }
    prev = id;
  }
  // 10000 ids need at least 10000 / 4096 extra milliseconds, and at most 10000 / 2048 + 1.
  EXPECT_GE(borrowed, 2);
  EXPECT_LE(borrowed, 5);

  // When the real clock catches up past the borrowed time, it takes over again.
  now += 1000;
  EXPECT_EQ(timestamp_ms(gen.next()), static_cast<std::uint64_t>(now));
}

TEST(UuidTest, RandomTailDiffersBetweenGenerators) {
  // Two processes in the same millisecond must not collide: 62 random bits tell them apart.
  UuidV7Generator a([] { return std::int64_t{1'700'000'000'000}; });
  UuidV7Generator b([] { return std::int64_t{1'700'000'000'000}; });
  EXPECT_NE(a.next().substr(19), b.next().substr(19));
}

}  // namespace
}  // namespace smartdairy
