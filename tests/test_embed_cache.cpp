// Tests of precis/embed/cache.hpp: memory and SQLite caches, persistence across opens, the caching
// encoder (only misses reach the inner encoder, same vectors), keys (encoder id and text).

#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "precis/embed/cache.hpp"
#include "precis/embed/encoder.hpp"
#include "precis/error.hpp"

namespace pe = precis::embed;

namespace {

std::shared_ptr<pe::callback_encoder> counting_encoder(std::atomic<int>& texts_seen) {
  auto inner = std::make_shared<pe::hashed_encoder>(pe::hashed_options{.dimension = 16});
  return std::make_shared<pe::callback_encoder>(
      inner->id(), 16, [inner, &texts_seen](std::span<const std::string_view> t) {
        texts_seen += static_cast<int>(t.size());
        return inner->encode(t);
      });
}

void check_cache(pe::embedding_cache& cache) {
  const std::vector<pe::cache_key> keys = {pe::cache_key::of("enc", "a"),
                                           pe::cache_key::of("enc", "b"),
                                           pe::cache_key::of("other", "a")};
  EXPECT_NE(keys[0], keys[1]);
  EXPECT_NE(keys[0], keys[2]);
  pe::row_matrix v(2, 3);
  v << 1, 2, 3, 4, 5, 6;
  cache.put(std::span<const pe::cache_key>(keys).first(2), v);
  EXPECT_EQ(cache.size(), 2U);
  const auto got = cache.get(keys);
  ASSERT_TRUE(got[0] && got[1]);
  EXPECT_FALSE(got[2]);
  EXPECT_EQ(*got[1], (std::vector<float>{4, 5, 6}));
  v(0, 0) = 9;  // replace
  cache.put(std::span<const pe::cache_key>(keys).first(1), v.topRows(1));
  EXPECT_EQ((*cache.get(std::span<const pe::cache_key>(keys).first(1))[0])[0], 9.0F);
  EXPECT_EQ(cache.size(), 2U);
}

}  // namespace

TEST(EmbedCache, Memory) {
  pe::memory_cache c;
  check_cache(c);
}

TEST(EmbedCache, SqliteInMemoryAndOnDisk) {
  pe::sqlite_cache mem(":memory:");
  check_cache(mem);
  const auto path = std::filesystem::temp_directory_path() / "precis_test_embed_cache.sqlite";
  std::filesystem::remove(path);
  {
    pe::sqlite_cache disk(path.string());
    check_cache(disk);
  }
  pe::sqlite_cache reopened(path.string());
  EXPECT_EQ(reopened.size(), 2U);
  const std::vector<pe::cache_key> k = {pe::cache_key::of("enc", "b")};
  EXPECT_EQ(*reopened.get(k)[0], (std::vector<float>{4, 5, 6}));
  std::filesystem::remove(path);
  std::filesystem::remove(path.string() + "-wal");
  std::filesystem::remove(path.string() + "-shm");
}

TEST(EmbedCache, SqliteOpenError) {
  try {
    pe::sqlite_cache bad("/nonexistent-dir/x/cache.sqlite");
    FAIL() << "no error";
  } catch (const precis::error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("[precis.io_error] sqlite cache "
                                          "'/nonexistent-dir/x/cache.sqlite': cannot open",
                                          0),
              0U)
        << e.what();
  }
}

TEST(EmbedCache, CachedEncoderEncodesOnlyMisses) {
  std::atomic<int> seen{0};
  const auto inner = counting_encoder(seen);
  for (const bool sqlite : {false, true}) {
    seen = 0;
    std::shared_ptr<pe::embedding_cache> cache;
    if (sqlite) {
      cache = std::make_shared<pe::sqlite_cache>(":memory:");
    } else {
      cache = std::make_shared<pe::memory_cache>();
    }
    const pe::cached_encoder enc(inner, cache);
    EXPECT_EQ(enc.id(), inner->id());
    const std::vector<std::string_view> first = {"alpha", "beta", "alpha"};
    const auto a = enc.encode(first);
    EXPECT_EQ(seen.load(), 3);  // duplicates within one call are both misses
    const std::vector<std::string_view> second = {"beta", "gamma", "alpha"};
    const auto b = enc.encode(second);
    EXPECT_EQ(seen.load(), 4);
    EXPECT_EQ(enc.hits(), 2U);
    EXPECT_EQ(enc.misses(), 4U);
    EXPECT_EQ(a.row(1), b.row(0));
    EXPECT_EQ(a.row(0), b.row(2));
    EXPECT_EQ(b.row(1), inner->encode(std::vector<std::string_view>{"gamma"}).row(0));
  }
}
