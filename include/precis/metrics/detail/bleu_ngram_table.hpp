#pragma once
/// @file bleu_ngram_table.hpp
/// Internal: exact n-gram interning shared by the BLEU and chrF kernels.
///
/// Why this shape: an n-gram is identified by the id of its (n-1)-gram prefix and the id of its
/// last symbol, so every n-gram of any order gets a dense 32-bit id through one 64-bit key, with
/// no hashing of strings after tokenization and no collisions (keys are exact). Matching a summary
/// walks n = 1, 2, ... from each position and stops at the first prefix the references do not
/// contain. Both tables are reused across builds through generation stamps, so a thread-local
/// index never clears or reallocates its memory once warm.

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace precis::metrics::detail {

inline constexpr std::uint32_t no_id = 0xFFFFFFFFU;

inline std::uint64_t mix64(std::uint64_t x) noexcept {
  x ^= x >> 32;
  x *= 0xD6E8FEB86659FD93ULL;
  x ^= x >> 32;
  return x;
}

/// A fast non-cryptographic hash of a short byte string (tokens are a few bytes long).
inline std::uint64_t hash_bytes(std::string_view s) noexcept {
  std::uint64_t h = 0x9E3779B97F4A7C15ULL ^ (s.size() * 0xFF51AFD7ED558CCDULL);
  std::size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    std::uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    h = mix64(h ^ w) * 0x9E3779B97F4A7C15ULL;
  }
  std::uint64_t w = 0;
  if (i < s.size()) std::memcpy(&w, s.data() + i, s.size() - i);
  return mix64(h ^ w ^ (static_cast<std::uint64_t>(s.size()) << 56));
}

/// (prefix id, symbol) -> n-gram id. Open addressing, linear probing, power-of-two capacity.
class ngram_table {
 public:
  /// Empties the table (O(1): bumps the generation) and makes room for `expected` entries.
  void reset(std::size_t expected) {
    if (++gen_ == 0) {  // wrapped: stale stamps could alias, clear them once
      for (auto& s : slots_) s.gen = 0;
      gen_ = 1;
    }
    size_ = 0;
    std::size_t cap = 16;
    while (cap < expected * 2) cap *= 2;
    if (cap > slots_.size()) {
      slots_.assign(cap, slot{});
      gen_ = 1;
    }
    // Only the first `cap` slots are used, even when an earlier, larger build grew the vector,
    // so a small index stays compact in cache.
    set_capacity(cap);
  }

  [[nodiscard]] std::uint32_t find(std::uint32_t prefix, std::uint32_t symbol) const noexcept {
    return find_key(make_key(prefix, symbol));
  }

  /// The id of (prefix, symbol), assigning `next_id++` when it is new.
  std::uint32_t insert(std::uint32_t prefix, std::uint32_t symbol, std::uint32_t& next_id) {
    return insert_key(make_key(prefix, symbol), next_id);
  }

  /// As `find`, for a caller-made 64-bit key (chrF packs whole character n-grams into one).
  [[nodiscard]] std::uint32_t find_key(std::uint64_t key) const noexcept {
    for (std::size_t i = slot_of(key);; i = (i + 1) & mask_) {
      const slot& s = slots_[i];
      if (s.gen != gen_) return no_id;
      if (s.key == key) return s.id;
    }
  }

  std::uint32_t insert_key(std::uint64_t key, std::uint32_t& next_id) {
    if ((size_ + 1) * 2 > mask_ + 1) grow();
    for (std::size_t i = slot_of(key);; i = (i + 1) & mask_) {
      slot& s = slots_[i];
      if (s.gen != gen_) {
        s = slot{key, next_id++, gen_};
        ++size_;
        return s.id;
      }
      if (s.key == key) return s.id;
    }
  }

  [[nodiscard]] std::size_t size() const noexcept { return size_; }

 private:
  struct slot {
    std::uint64_t key = 0;
    std::uint32_t id = 0;
    std::uint32_t gen = 0;
  };

  // Fibonacci hashing: one multiply, the high bits pick the slot.
  [[nodiscard]] std::size_t slot_of(std::uint64_t key) const noexcept {
    return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ULL) >> shift_);
  }

  static std::uint64_t make_key(std::uint32_t prefix, std::uint32_t symbol) noexcept {
    return (static_cast<std::uint64_t>(prefix) << 32) | symbol;
  }

  void grow() {
    std::vector<slot> old;
    old.swap(slots_);
    old.resize(std::min(old.size(), mask_ + 1));  // the live part
    const std::uint32_t old_gen = gen_;
    slots_.assign(old.empty() ? 16 : old.size() * 2, slot{});
    set_capacity(slots_.size());
    gen_ = 1;
    for (const slot& o : old) {
      if (o.gen != old_gen) continue;
      for (std::size_t i = slot_of(o.key);; i = (i + 1) & mask_) {
        if (slots_[i].gen != gen_) {
          slots_[i] = slot{o.key, o.id, gen_};
          break;
        }
      }
    }
  }

  void set_capacity(std::size_t cap) noexcept {
    mask_ = cap - 1;
    shift_ = 64;
    for (std::size_t c = cap; c > 1; c >>= 1) --shift_;
  }

  std::vector<slot> slots_;
  std::size_t mask_ = 0;
  int shift_ = 64;
  std::size_t size_ = 0;
  std::uint32_t gen_ = 0;
};

/// token string -> id. Token bytes are copied into an arena owned by the vocabulary.
class token_vocab {
 public:
  void reset(std::size_t expected) {
    if (++gen_ == 0) {
      for (auto& s : slots_) s.gen = 0;
      gen_ = 1;
    }
    size_ = 0;
    arena_.clear();
    std::size_t cap = 16;
    while (cap < expected * 2) cap *= 2;
    if (cap > slots_.size()) {
      slots_.assign(cap, slot{});
      gen_ = 1;
    }
    mask_ = slots_.size() - 1;
  }

  [[nodiscard]] std::uint32_t find(std::string_view token) const noexcept {
    const std::uint64_t h = hash_bytes(token);
    for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
      const slot& s = slots_[i];
      if (s.gen != gen_) return no_id;
      if (s.hash == h && same(s, token)) return s.id;
    }
  }

  std::uint32_t insert(std::string_view token, std::uint32_t& next_id) {
    if ((size_ + 1) * 2 > slots_.size()) grow();
    const std::uint64_t h = hash_bytes(token);
    for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
      slot& s = slots_[i];
      if (s.gen != gen_) {
        s = slot{h,
                 head_of(token),
                 static_cast<std::uint32_t>(arena_.size()),
                 static_cast<std::uint32_t>(token.size()),
                 next_id++,
                 gen_};
        arena_.append(token);
        ++size_;
        return s.id;
      }
      if (s.hash == h && same(s, token)) return s.id;
    }
  }

 private:
  struct slot {
    std::uint64_t hash = 0;
    std::uint64_t head = 0;  // the first (up to) 8 bytes, zero-padded
    std::uint32_t offset = 0;
    std::uint32_t len = 0;
    std::uint32_t id = 0;
    std::uint32_t gen = 0;
  };

  static std::uint64_t head_of(std::string_view t) noexcept {
    std::uint64_t w = 0;
    std::memcpy(&w, t.data(), std::min<std::size_t>(t.size(), 8));
    return w;
  }

  // Tokens of at most 8 bytes compare through `head` alone (most words), longer ones with memcmp.
  bool same(const slot& s, std::string_view t) const noexcept {
    if (s.len != t.size() || s.head != head_of(t)) return false;
    return t.size() <= 8 ||
           std::memcmp(arena_.data() + s.offset + 8, t.data() + 8, t.size() - 8) == 0;
  }

  void grow() {
    std::vector<slot> old;
    old.swap(slots_);
    const std::uint32_t old_gen = gen_;
    slots_.assign(old.empty() ? 16 : old.size() * 2, slot{});
    mask_ = slots_.size() - 1;
    gen_ = 1;
    for (const slot& o : old) {
      if (o.gen != old_gen) continue;
      for (std::size_t i = o.hash & mask_;; i = (i + 1) & mask_) {
        if (slots_[i].gen != gen_) {
          slots_[i] = o;
          slots_[i].gen = gen_;
          break;
        }
      }
    }
  }

  std::vector<slot> slots_;
  std::string arena_;
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
  std::uint32_t gen_ = 0;
};

/// The first min(n, 8) bytes at `p` (n >= 1) as a zero-extended word, through one 8-byte load:
/// `p` must have 8 readable bytes, as every position inside a `token_list` token has (its
/// padding).
inline std::uint64_t load_padded(const char* p, std::size_t n) noexcept {
  std::uint64_t w;
  std::memcpy(&w, p, 8);
  // The bytes past the token are whatever the buffer holds: keep only the token's own. `n` is at
  // least 1 (tokens are never empty), so the shifts stay below 64.
  const std::size_t bits = 8 * std::min<std::size_t>(n, 8);
  if constexpr (std::endian::native == std::endian::little) {
    return w & (((std::uint64_t{1} << (bits - 1)) << 1) - 1);
  } else {
    return w & ~((std::uint64_t{1} << (63 - (bits - 1))) - 1);
  }
}

/// token -> id for tokens that live in `token_list`s, stored as views rather than copies.
///
/// Why a second vocabulary: BLEU's tokens sit in padded token lists that outlive the index built
/// over them (the free functions' thread-local lists, or the scorer's own copy), so the slots
/// point into those lists instead of copying every token into an arena, and hashing and comparing
/// work on whole 8-byte words (`load_padded`) with no libc calls. Most tokens are at most 8 bytes
/// long and compare through `head` and `len` alone. chrF keeps `token_vocab`, which copies,
/// because it reuses one token list for every reference.
class token_view_vocab {
 public:
  /// Empties the vocabulary (O(1) once warm) and makes room for `expected` tokens.
  void reset(std::size_t expected) {
    if (++gen_ == 0) {
      for (auto& s : slots_) s.gen = 0;
      gen_ = 1;
    }
    size_ = 0;
    std::size_t cap = 16;
    while (cap < expected * 2) cap *= 2;
    if (cap > slots_.size()) {
      slots_.assign(cap, slot{});
      gen_ = 1;
    }
    // As in ngram_table: a small build uses only the first `cap` slots of a larger vector.
    set_capacity(cap);
  }

  /// The id of the `n` (>= 1) bytes at `p` (inside a token_list), or `no_id`.
  [[nodiscard]] std::uint32_t find(const char* p, std::size_t n) const noexcept {
    const std::uint64_t head = load_padded(p, n);
    for (std::size_t i = slot_of(p, n, head);; i = (i + 1) & mask_) {
      const slot& s = slots_[i];
      if (s.gen != gen_) return no_id;
      if (same(s, p, n, head)) return s.id;
    }
  }

  /// The id of the `n` (>= 1) bytes at `p`, assigning `next_id++` when new. The bytes must stay
  /// alive and unchanged while the vocabulary is used.
  std::uint32_t insert(const char* p, std::size_t n, std::uint32_t& next_id) {
    if ((size_ + 1) * 2 > mask_ + 1) grow();
    const std::uint64_t head = load_padded(p, n);
    for (std::size_t i = slot_of(p, n, head);; i = (i + 1) & mask_) {
      slot& s = slots_[i];
      if (s.gen != gen_) {
        s = slot{head, p, static_cast<std::uint32_t>(n), next_id++, gen_};
        ++size_;
        return s.id;
      }
      if (same(s, p, n, head)) return s.id;
    }
  }

 private:
  struct slot {
    std::uint64_t head = 0;  // the first (up to) 8 bytes, zero-extended
    const char* data = nullptr;
    std::uint32_t len = 0;
    std::uint32_t id = 0;
    std::uint32_t gen = 0;
  };

  // Fibonacci hashing of the token's words: for the usual token of at most 8 bytes, one add and
  // one multiply, the high bits pick the slot.
  [[nodiscard]] std::size_t slot_of(const char* p, std::size_t n,
                                    std::uint64_t head) const noexcept {
    std::uint64_t h = head + n;
    for (std::size_t i = 8; i < n; i += 8) {
      h = ((h << 29) | (h >> 35)) * 0xD6E8FEB86659FD93ULL ^ load_padded(p + i, n - i);
    }
    return static_cast<std::size_t>((h * 0x9E3779B97F4A7C15ULL) >> shift_);
  }

  static bool same(const slot& s, const char* p, std::size_t n, std::uint64_t head) noexcept {
    if (s.head != head || s.len != n) return false;
    for (std::size_t i = 8; i < n; i += 8) {
      if (load_padded(s.data + i, n - i) != load_padded(p + i, n - i)) return false;
    }
    return true;
  }

  void set_capacity(std::size_t cap) noexcept {
    mask_ = cap - 1;
    shift_ = 64;
    for (std::size_t c = cap; c > 1; c >>= 1) --shift_;
  }

  void grow() {
    std::vector<slot> old;
    old.swap(slots_);
    old.resize(std::min(old.size(), mask_ + 1));  // the live part
    const std::uint32_t old_gen = gen_;
    slots_.assign(old.empty() ? 16 : old.size() * 2, slot{});
    set_capacity(slots_.size());
    gen_ = 1;
    for (const slot& o : old) {
      if (o.gen != old_gen) continue;
      for (std::size_t i = slot_of(o.data, o.len, o.head);; i = (i + 1) & mask_) {
        if (slots_[i].gen != gen_) {
          slots_[i] = o;
          slots_[i].gen = gen_;
          break;
        }
      }
    }
  }

  std::vector<slot> slots_;
  std::size_t mask_ = 0;
  int shift_ = 64;
  std::size_t size_ = 0;
  std::uint32_t gen_ = 0;
};

/// Per-thread counters indexed by n-gram id, reset in O(1) per use through generation stamps.
class stamped_counts {
 public:
  /// Starts a new count over ids below `ids`.
  void begin(std::size_t ids) {
    if (ids > cells_.size()) cells_.resize(ids, cell{});
    if (++gen_ == 0) {
      for (auto& c : cells_) c = cell{};
      gen_ = 1;
    }
  }
  /// Increments the count of `id` and returns the new count.
  std::uint32_t increment(std::uint32_t id) noexcept {
    cell& c = cells_[id];
    if (c.gen != gen_) c = cell{0, gen_};
    return ++c.count;
  }
  [[nodiscard]] std::uint32_t get(std::uint32_t id) const noexcept {
    const cell& c = cells_[id];
    return c.gen == gen_ ? c.count : 0;
  }

 private:
  struct cell {
    std::uint32_t count = 0;
    std::uint32_t gen = 0;
  };
  std::vector<cell> cells_;
  std::uint32_t gen_ = 0;
};

}  // namespace precis::metrics::detail
