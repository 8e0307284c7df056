#pragma once
/// @file cache.hpp
/// Embedding caches keyed by (encoder id, text hash): in memory, or on disk in SQLite, so re-runs
/// never re-encode. `cached_encoder` wraps any encoder with a cache. See docs/embed.md.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "precis/embed/encoder.hpp"

namespace precis::embed {

/// A cache key: the encoder id and a 128-bit hash of the text (two seeded 64-bit hashes of its
/// bytes). Texts are not stored.
struct cache_key {
  std::string encoder_id;
  std::uint64_t hash_lo = 0;
  std::uint64_t hash_hi = 0;
  /// The key of `text` under `encoder_id`.
  static cache_key of(std::string_view encoder_id, std::string_view text);
  friend bool operator==(const cache_key&, const cache_key&) = default;
};

/// Interface of a cache. Implementations are thread-safe.
class embedding_cache {
 public:
  virtual ~embedding_cache() = default;
  /// The vectors of `keys` that are present (std::nullopt where absent), in order.
  [[nodiscard]] virtual std::vector<std::optional<std::vector<float>>> get(
      std::span<const cache_key> keys) = 0;
  /// Stores `vectors.row(i)` under `keys[i]` (replacing an existing entry).
  virtual void put(std::span<const cache_key> keys, matrix_ref vectors) = 0;
  /// Number of entries.
  [[nodiscard]] virtual std::size_t size() = 0;
};

/// An in-memory cache (a hash map under a mutex); unbounded.
class memory_cache final : public embedding_cache {
 public:
  [[nodiscard]] std::vector<std::optional<std::vector<float>>> get(
      std::span<const cache_key> keys) override;
  void put(std::span<const cache_key> keys, matrix_ref vectors) override;
  [[nodiscard]] std::size_t size() override;

 private:
  struct key_hash {
    std::size_t operator()(const cache_key& k) const noexcept;
  };
  std::mutex mutex_;
  std::unordered_map<cache_key, std::vector<float>, key_hash> map_;
};

/// A cache in an SQLite database file: table `precis_embeddings(encoder TEXT, hash_lo INTEGER,
/// hash_hi INTEGER, dim INTEGER, vector BLOB, PRIMARY KEY(encoder, hash_lo, hash_hi))`, vectors as
/// little-endian float32 blobs; WAL journal. One connection, serialized by a mutex.
class sqlite_cache final : public embedding_cache {
 public:
  /// Opens or creates `path` (":memory:" for a private in-memory database). A write that finds
  /// the database locked by another connection waits up to `busy_timeout_ms`, then fails.
  /// @throws precis::error `[precis.io_error] sqlite cache '<path>': <what>: <SQLite's message>`
  ///   (e.g. `write failed: database is locked`); `get` throws `[precis.io_error] sqlite cache
  ///   '<path>': corrupt entry (encoder '<id>', hash <lo>:<hi>): <what>` for an entry whose
  ///   dimension does not match its blob or whose values are not finite.
  explicit sqlite_cache(const std::string& path, int busy_timeout_ms = 10000);
  ~sqlite_cache() override;
  sqlite_cache(const sqlite_cache&) = delete;
  sqlite_cache& operator=(const sqlite_cache&) = delete;

  [[nodiscard]] std::vector<std::optional<std::vector<float>>> get(
      std::span<const cache_key> keys) override;
  void put(std::span<const cache_key> keys, matrix_ref vectors) override;
  [[nodiscard]] std::size_t size() override;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

/// An encoder that looks every text up in `cache` first and encodes only the misses (in one call
/// to the inner encoder's `encode`, in order), then stores them. Same id as the inner encoder.
class cached_encoder final : public encoder {
 public:
  /// @throws precis::error `[precis.invalid_argument]` for a null encoder or cache.
  cached_encoder(std::shared_ptr<const encoder> inner, std::shared_ptr<embedding_cache> cache);
  [[nodiscard]] std::string id() const override { return id_; }
  [[nodiscard]] std::size_t dimension() const override { return inner_->dimension(); }
  [[nodiscard]] row_matrix encode(std::span<const std::string_view> texts) const override;
  /// The inner encoder's token vectors (not cached: they depend on the surrounding text).
  [[nodiscard]] const token_encoder* tokens() const noexcept override { return inner_->tokens(); }
  /// Texts served from the cache so far.
  [[nodiscard]] std::size_t hits() const noexcept { return hits_.load(); }
  /// Texts encoded by the inner encoder so far.
  [[nodiscard]] std::size_t misses() const noexcept { return misses_.load(); }

 private:
  std::shared_ptr<const encoder> inner_;
  std::shared_ptr<embedding_cache> cache_;
  std::string id_;
  mutable std::atomic<std::size_t> hits_{0};
  mutable std::atomic<std::size_t> misses_{0};
};

}  // namespace precis::embed
