// Embedding caches: in memory and in SQLite; the caching encoder.
#include "precis/embed/cache.hpp"

#include <sqlite3.h>

#include <cmath>
#include <cstring>

#include "precis/error.hpp"

namespace precis::embed {

cache_key cache_key::of(std::string_view encoder_id, std::string_view text) {
  return {std::string(encoder_id), hash_bytes(text, 0x5EED0001ULL),
          hash_bytes(text, 0x5EED0002ULL)};
}

std::size_t memory_cache::key_hash::operator()(const cache_key& k) const noexcept {
  return static_cast<std::size_t>(k.hash_lo ^ (std::hash<std::string>()(k.encoder_id) * 31U));
}

std::vector<std::optional<std::vector<float>>> memory_cache::get(std::span<const cache_key> keys) {
  std::vector<std::optional<std::vector<float>>> out(keys.size());
  std::lock_guard<std::mutex> lock(mutex_);
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const auto it = map_.find(keys[i]);
    if (it != map_.end()) out[i] = it->second;
  }
  return out;
}

void memory_cache::put(std::span<const cache_key> keys, matrix_ref vectors) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const auto row = vectors.row(static_cast<Eigen::Index>(i));
    map_[keys[i]] = std::vector<float>(row.data(), row.data() + row.size());
  }
}

std::size_t memory_cache::size() {
  std::lock_guard<std::mutex> lock(mutex_);
  return map_.size();
}

// ---- sqlite -------------------------------------------------------------------------------

struct sqlite_cache::impl {
  sqlite3* db = nullptr;
  sqlite3_stmt* select = nullptr;
  sqlite3_stmt* insert = nullptr;
  std::string path;
  std::mutex mutex;

  // SQLite's own message for the last call: read it before any other call (a ROLLBACK would
  // reset it to "not an error").
  [[noreturn]] void fail(const std::string& what) const {
    fail(what, db != nullptr ? sqlite3_errmsg(db) : "out of memory");
  }
  [[noreturn]] void fail(const std::string& what, const std::string& sqlite_message) const {
    raise("io_error", "sqlite cache '" + path + "': " + what + ": " + sqlite_message);
  }
  // `rc`'s message: sqlite3_errmsg when the connection's last error is `rc`, else the generic
  // text of `rc` (sqlite3_errstr).
  [[nodiscard]] std::string message_of(int rc) const {
    if (db != nullptr && sqlite3_errcode(db) == rc) return sqlite3_errmsg(db);
    return sqlite3_errstr(rc);
  }
  void exec(const char* sql) {
    const int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) fail(sql, message_of(rc));
  }
  [[noreturn]] void corrupt(const cache_key& key, const std::string& what) const {
    raise("io_error", "sqlite cache '" + path + "': corrupt entry (encoder '" + key.encoder_id +
                          "', hash " + std::to_string(key.hash_lo) + ":" +
                          std::to_string(key.hash_hi) + "): " + what +
                          "; delete the file or the entry to rebuild it");
  }
  ~impl() {
    sqlite3_finalize(select);
    sqlite3_finalize(insert);
    sqlite3_close(db);
  }
};

sqlite_cache::sqlite_cache(const std::string& path, int busy_timeout_ms)
    : impl_(std::make_unique<impl>()) {
  if (busy_timeout_ms < 0) {
    raise("invalid_argument", "sqlite cache: busy_timeout_ms must be >= 0, got " +
                                  std::to_string(busy_timeout_ms));
  }
  impl_->path = path;
  if (sqlite3_open_v2(path.c_str(), &impl_->db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                      nullptr) != SQLITE_OK) {
    impl_->fail("cannot open");
  }
  sqlite3_busy_timeout(impl_->db, busy_timeout_ms);
  if (path != ":memory:") impl_->exec("PRAGMA journal_mode=WAL");
  impl_->exec(
      "CREATE TABLE IF NOT EXISTS precis_embeddings (encoder TEXT NOT NULL, hash_lo INTEGER NOT "
      "NULL, hash_hi INTEGER NOT NULL, dim INTEGER NOT NULL, vector BLOB NOT NULL, PRIMARY KEY "
      "(encoder, hash_lo, hash_hi)) WITHOUT ROWID");
  if (sqlite3_prepare_v2(impl_->db,
                         "SELECT dim, vector FROM precis_embeddings WHERE encoder = ?1 AND "
                         "hash_lo = ?2 AND hash_hi = ?3",
                         -1, &impl_->select, nullptr) != SQLITE_OK ||
      sqlite3_prepare_v2(impl_->db,
                         "INSERT OR REPLACE INTO precis_embeddings VALUES (?1, ?2, ?3, ?4, ?5)", -1,
                         &impl_->insert, nullptr) != SQLITE_OK) {
    impl_->fail("cannot prepare statements");
  }
}

sqlite_cache::~sqlite_cache() = default;

std::vector<std::optional<std::vector<float>>> sqlite_cache::get(std::span<const cache_key> keys) {
  std::vector<std::optional<std::vector<float>>> out(keys.size());
  std::lock_guard<std::mutex> lock(impl_->mutex);
  sqlite3_stmt* st = impl_->select;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, keys[i].encoder_id.data(), static_cast<int>(keys[i].encoder_id.size()),
                      SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, static_cast<sqlite3_int64>(keys[i].hash_lo));
    sqlite3_bind_int64(st, 3, static_cast<sqlite3_int64>(keys[i].hash_hi));
    const int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
      // The dimension is checked against the blob's real size without multiplying it (a dim of
      // 2^62 times 4 wraps to 0), and the values must be finite: a bad entry is the cache's
      // fault, not the encoder's.
      const sqlite3_int64 dim = sqlite3_column_int64(st, 0);
      const int bytes = sqlite3_column_bytes(st, 1);
      if (dim < 0 || bytes < 0 || bytes % 4 != 0 || dim != bytes / 4) {
        impl_->corrupt(keys[i], "dim " + std::to_string(dim) + " but a blob of " +
                                    std::to_string(bytes) + " bytes");
      }
      std::vector<float> v(static_cast<std::size_t>(dim));
      if (dim > 0) {
        std::memcpy(v.data(), sqlite3_column_blob(st, 1), static_cast<std::size_t>(bytes));
      }
      for (std::size_t k = 0; k < v.size(); ++k) {
        if (!std::isfinite(v[k])) {
          impl_->corrupt(keys[i], "value " + std::to_string(k) + " is NaN or infinite");
        }
      }
      out[i] = std::move(v);
    } else if (rc != SQLITE_DONE) {
      const std::string message = impl_->message_of(rc);
      sqlite3_reset(st);
      impl_->fail("read failed", message);
    }
  }
  sqlite3_reset(st);
  return out;
}

void sqlite_cache::put(std::span<const cache_key> keys, matrix_ref vectors) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->exec("BEGIN");
  sqlite3_stmt* st = impl_->insert;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const auto row = vectors.row(static_cast<Eigen::Index>(i));
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, keys[i].encoder_id.data(), static_cast<int>(keys[i].encoder_id.size()),
                      SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, static_cast<sqlite3_int64>(keys[i].hash_lo));
    sqlite3_bind_int64(st, 3, static_cast<sqlite3_int64>(keys[i].hash_hi));
    sqlite3_bind_int64(st, 4, static_cast<sqlite3_int64>(row.size()));
    sqlite3_bind_blob(st, 5, row.data(),
                      static_cast<int>(static_cast<std::size_t>(row.size()) * sizeof(float)),
                      SQLITE_TRANSIENT);
    if (const int rc = sqlite3_step(st); rc != SQLITE_DONE) {
      const std::string message = impl_->message_of(rc);
      sqlite3_reset(st);
      sqlite3_exec(impl_->db, "ROLLBACK", nullptr, nullptr, nullptr);
      impl_->fail("write failed", message);
    }
  }
  sqlite3_reset(st);
  if (const int rc = sqlite3_exec(impl_->db, "COMMIT", nullptr, nullptr, nullptr);
      rc != SQLITE_OK) {
    const std::string message = impl_->message_of(rc);
    sqlite3_exec(impl_->db, "ROLLBACK", nullptr, nullptr, nullptr);
    impl_->fail("commit failed", message);
  }
}

std::size_t sqlite_cache::size() {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(impl_->db, "SELECT COUNT(*) FROM precis_embeddings", -1, &st, nullptr);
  std::size_t n = 0;
  if (st != nullptr && sqlite3_step(st) == SQLITE_ROW) {
    n = static_cast<std::size_t>(sqlite3_column_int64(st, 0));
  }
  sqlite3_finalize(st);
  return n;
}

// ---- cached encoder -----------------------------------------------------------------------

cached_encoder::cached_encoder(std::shared_ptr<const encoder> inner,
                               std::shared_ptr<embedding_cache> cache)
    : inner_(std::move(inner)), cache_(std::move(cache)) {
  if (!inner_) raise("invalid_argument", "cached encoder: no encoder");
  if (!cache_) raise("invalid_argument", "cached encoder: no cache");
  id_ = inner_->id();
}

row_matrix cached_encoder::encode(std::span<const std::string_view> texts) const {
  const auto d = static_cast<Eigen::Index>(inner_->dimension());
  std::vector<cache_key> keys;
  keys.reserve(texts.size());
  for (const auto t : texts) keys.push_back(cache_key::of(id_, t));
  const auto found = cache_->get(keys);
  row_matrix out(static_cast<Eigen::Index>(texts.size()), d);
  std::vector<std::string_view> missing;
  std::vector<std::size_t> rows;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    if (found[i] && static_cast<Eigen::Index>(found[i]->size()) == d) {
      out.row(static_cast<Eigen::Index>(i)) = matrix_map(found[i]->data(), 1, d);
    } else {
      missing.push_back(texts[i]);
      rows.push_back(i);
    }
  }
  hits_ += texts.size() - missing.size();
  misses_ += missing.size();
  if (!missing.empty()) {
    const row_matrix fresh = encode_batched(*inner_, missing, missing.size());
    std::vector<cache_key> fresh_keys;
    for (std::size_t k = 0; k < missing.size(); ++k) {
      out.row(static_cast<Eigen::Index>(rows[k])) = fresh.row(static_cast<Eigen::Index>(k));
      fresh_keys.push_back(keys[rows[k]]);
    }
    cache_->put(fresh_keys, fresh);
  }
  return out;
}

}  // namespace precis::embed
