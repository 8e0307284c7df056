// libFuzzer target: the word-vector readers (precis cache, word2vec binary, text formats), the
// LSA model reader and the SQLite embedding cache on arbitrary file contents. Invariants: a file
// either loads into a consistent table (rows = words, finite values, every word found at or
// before its row, a save/load round trip equal) or raises a `[precis.*]` error; never a crash,
// an out-of-bounds read or an allocation the file size cannot back.

#include <sqlite3.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>

#include "fuzz_common.hpp"
#include "precis/embed/cache.hpp"
#include "precis/embed/lsa.hpp"
#include "precis/embed/word_vectors.hpp"

namespace {

namespace pe = precis::embed;

const std::string& scratch_path(const char* what) {
  static const std::string base = "/tmp/precis-fuzz-" + std::to_string(::getpid()) + "-";
  static std::string path;
  path = base + what;
  return path;
}

void write_file(const std::string& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

void check_table(const pe::word_vectors& v) {
  PRECIS_FUZZ_CHECK(static_cast<std::size_t>(v.vectors().rows()) == v.size());
  PRECIS_FUZZ_CHECK(v.size() == 0 || v.dimension() > 0);
  PRECIS_FUZZ_CHECK(v.vectors().allFinite());
  for (std::size_t i = 0; i < v.size(); ++i) {
    const auto at = v.find(v.word(i));
    PRECIS_FUZZ_CHECK(at.has_value() && *at <= i);
  }
}

void load_vectors(const std::string& path, pe::word_vector_format format) {
  try {
    const auto v = pe::word_vectors::load(path, format);
    check_table(v);
    if (v.size() == 0) return;
    const std::string copy = scratch_path("copy");
    v.save(copy);
    const auto again = pe::word_vectors::load(copy, pe::word_vector_format::precis_cache);
    PRECIS_FUZZ_CHECK(again.size() == v.size() && again.vectors() == v.vectors());
    for (std::size_t i = 0; i < v.size(); ++i) PRECIS_FUZZ_CHECK(again.word(i) == v.word(i));
    std::remove(copy.c_str());
  } catch (const precis::error& e) {
    precis_fuzz::check_error(e);
  }
}

// The bytes as rows of an SQLite cache: (dim, blob) pairs cut from the input, stored as they
// come (any dim, any blob length, also as text or a float), then read through sqlite_cache.
void sqlite_rows(std::string_view bytes) {
  const std::string path = scratch_path("cache.sqlite");
  std::remove(path.c_str());
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) {
    sqlite3_close(db);
    return;
  }
  sqlite3_exec(db,
               "CREATE TABLE precis_embeddings (encoder TEXT NOT NULL, hash_lo INTEGER NOT NULL, "
               "hash_hi INTEGER NOT NULL, dim INTEGER NOT NULL, vector BLOB NOT NULL, PRIMARY KEY "
               "(encoder, hash_lo, hash_hi)) WITHOUT ROWID",
               nullptr, nullptr, nullptr);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO precis_embeddings VALUES ('e', ?1, 0, ?2, ?3)",
                     -1, &st, nullptr);
  std::vector<precis::embed::cache_key> keys;
  for (std::int64_t row = 0; bytes.size() >= 9 && row < 16; ++row) {
    std::int64_t dim = 0;
    for (int k = 0; k < 8; ++k) dim = static_cast<std::int64_t>(static_cast<std::uint64_t>(dim) << 8 |
                                                               static_cast<unsigned char>(bytes[static_cast<std::size_t>(k)]));
    const auto kind = static_cast<unsigned char>(bytes[8]);
    bytes.remove_prefix(9);
    const std::size_t n = std::min<std::size_t>(bytes.size(), kind & 0x3F);
    sqlite3_reset(st);
    sqlite3_bind_int64(st, 1, row);
    if (kind & 0x40) {
      sqlite3_bind_double(st, 2, static_cast<double>(dim) / 3.0);
    } else {
      sqlite3_bind_int64(st, 2, (kind & 0x80) ? dim : dim % 64);
    }
    if (kind & 0x80) {
      sqlite3_bind_text(st, 3, bytes.data(), static_cast<int>(n), SQLITE_TRANSIENT);
    } else {
      sqlite3_bind_blob(st, 3, bytes.data(), static_cast<int>(n), SQLITE_TRANSIENT);
    }
    sqlite3_step(st);
    bytes.remove_prefix(n);
    keys.push_back({"e", static_cast<std::uint64_t>(row), 0});
  }
  keys.push_back({"e", 999, 0});  // absent
  sqlite3_finalize(st);
  sqlite3_close(db);
  try {
    pe::sqlite_cache cache(path);
    const auto got = cache.get(keys);
    PRECIS_FUZZ_CHECK(got.size() == keys.size() && !got.back().has_value());
    for (const auto& v : got) {
      if (!v) continue;
      for (const float x : *v) PRECIS_FUZZ_CHECK(std::isfinite(x));
    }
  } catch (const precis::error& e) {
    precis_fuzz::check_error(e);
  }
  std::remove(path.c_str());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto bytes = precis_fuzz::view(data, size);
  const std::string path = scratch_path("vectors");
  write_file(path, bytes);
  for (const auto format : {pe::word_vector_format::detect, pe::word_vector_format::text,
                            pe::word_vector_format::word2vec_binary,
                            pe::word_vector_format::precis_cache}) {
    load_vectors(path, format);
  }
  try {
    const auto model = pe::lsa_encoder::load(path);
    const std::string_view texts[] = {"a short text", ""};
    const auto rows = model.encode(texts);
    PRECIS_FUZZ_CHECK(rows.allFinite());
  } catch (const precis::error& e) {
    precis_fuzz::check_error(e);
  }
  std::remove(path.c_str());
  sqlite_rows(bytes);
  return 0;
}
