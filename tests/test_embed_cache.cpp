// Tests of precis/embed/cache.hpp: memory and SQLite caches, persistence across opens, the caching
// encoder (only misses reach the inner encoder, same vectors), keys (encoder id and text).

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "error_text.hpp"
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

// ---- hostile caches (docs/reliability.md). The test edits the database with SQLite directly.

namespace {

struct raw_db {
  sqlite3* db = nullptr;
  explicit raw_db(const std::string& path) {
    EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  }
  ~raw_db() { sqlite3_close(db); }
  void exec(const std::string& sql) const {
    char* err = nullptr;
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
    sqlite3_free(err);
  }
};

using precis_test::error_of;

std::string fresh_db(const std::string& name) {
  const auto path = (std::filesystem::temp_directory_path() / name).string();
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  return path;
}

}  // namespace

TEST(EmbedCache, CorruptEntriesBlameTheCache) {
  const auto path = fresh_db("precis_test_corrupt.sqlite");
  const std::vector<pe::cache_key> keys = {pe::cache_key::of("enc", "a")};
  pe::row_matrix v(1, 3);
  v << 1, 2, 3;
  pe::sqlite_cache cache(path);
  cache.put(keys, v);
  const std::string entry = "[precis.io_error] sqlite cache '" + path +
                            "': corrupt entry (encoder 'enc', hash " +
                            std::to_string(keys[0].hash_lo) + ":" +
                            std::to_string(keys[0].hash_hi) + "): ";
  const std::string advice = "; delete the file or the entry to rebuild it";
  raw_db raw(path);
  // dim * 4 wraps to 0 for dim = 2^62: was accepted, then allocated 2^62 floats.
  raw.exec("UPDATE precis_embeddings SET dim = 4611686018427387904, vector = x''");
  EXPECT_EQ(error_of([&] { (void)cache.get(keys); }),
            entry + "dim 4611686018427387904 but a blob of 0 bytes" + advice);
  raw.exec("UPDATE precis_embeddings SET dim = -1");
  EXPECT_EQ(error_of([&] { (void)cache.get(keys); }),
            entry + "dim -1 but a blob of 0 bytes" + advice);
  raw.exec("UPDATE precis_embeddings SET dim = 2, vector = x'0000803f00'");  // 5 bytes
  EXPECT_EQ(error_of([&] { (void)cache.get(keys); }),
            entry + "dim 2 but a blob of 5 bytes" + advice);
  // A NaN in the blob: named as cache corruption (was blamed on the encoder).
  raw.exec("UPDATE precis_embeddings SET dim = 3, vector = x'0000803f0000c07f00000040'");
  EXPECT_EQ(error_of([&] { (void)cache.get(keys); }),
            entry + "value 1 is NaN or infinite" + advice);
  const auto inner = std::make_shared<pe::callback_encoder>(
      "enc", 3, [](std::span<const std::string_view> t) {
        return pe::row_matrix(pe::row_matrix::Zero(static_cast<Eigen::Index>(t.size()), 3));
      });
  const pe::cached_encoder enc(inner, std::make_shared<pe::sqlite_cache>(path));
  const std::vector<std::string_view> texts = {"a"};
  EXPECT_EQ(error_of([&] { (void)enc.encode(texts); }),
            entry + "value 1 is NaN or infinite" + advice);
  // Zero-dimensional entries are fine (no memcpy from a null blob).
  raw.exec("UPDATE precis_embeddings SET dim = 0, vector = x''");
  EXPECT_EQ(cache.get(keys)[0]->size(), 0U);
}

TEST(EmbedCache, LockedDatabaseSaysSo) {
  const auto path = fresh_db("precis_test_locked.sqlite");
  { pe::sqlite_cache create(path); }
  raw_db other(path);
  other.exec("BEGIN IMMEDIATE");  // another process holds the write lock
  pe::sqlite_cache cache(path, 50);
  const std::vector<pe::cache_key> keys = {pe::cache_key::of("enc", "a")};
  pe::row_matrix v(1, 2);
  v << 1, 2;
  const auto start = std::chrono::steady_clock::now();
  // Was "write failed: not an error" (the message read after the ROLLBACK), after 10 s.
  EXPECT_EQ(error_of([&] { cache.put(keys, v); }),
            "[precis.io_error] sqlite cache '" + path + "': write failed: database is locked");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  other.exec("COMMIT");
  cache.put(keys, v);  // the failed transaction was rolled back: the cache still works
  EXPECT_EQ(*cache.get(keys)[0], (std::vector<float>{1, 2}));
  EXPECT_NE(error_of([] { pe::sqlite_cache bad(":memory:", -1); }).find("busy_timeout_ms"),
            std::string::npos);
}
