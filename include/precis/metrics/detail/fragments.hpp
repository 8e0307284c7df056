#pragma once
/// @file fragments.hpp
/// Extractive fragments (Grusky, Naaman and Artzi, "Newsroom", NAACL 2018): the greedy sequence of
/// longest token runs of the summary that appear contiguously in a source. A suffix automaton of
/// the source token ids answers "longest prefix of summary[i..] that occurs in a source" in time
/// proportional to the answer, so all fragments cost O(|summary|) after an O(|sources|) build.
/// Works on integer ids only. See docs/metrics/faithfulness.md.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace precis::metrics::detail {

/// One fragment: summary tokens [begin, end).
struct fragment_range {
  std::uint32_t begin;
  std::uint32_t end;
  friend bool operator==(const fragment_range&, const fragment_range&) = default;
};

/// Suffix automaton over several id sequences; a match never crosses from one sequence into the
/// next (each is followed by its own separator symbol, which no query contains).
class suffix_automaton {
 public:
  /// Ids at or above this value are reserved for separators; callers' ids must be below it.
  static constexpr std::uint32_t separator_base = 0xF0000000u;

  suffix_automaton() { new_state(0, k_none); }

  /// Appends one sequence (and its separator). Ids must be < separator_base.
  void add_sequence(std::span<const std::uint32_t> ids) {
    for (const auto id : ids) extend(id);
    extend(separator_base + separators_++);
  }

  /// Length of the longest prefix of `query` that occurs contiguously in one added sequence.
  [[nodiscard]] std::size_t longest_prefix(std::span<const std::uint32_t> query) const noexcept {
    std::uint32_t state = 0;
    std::size_t k = 0;
    for (; k < query.size(); ++k) {
      if (query[k] >= separator_base) break;
      const std::uint32_t next = find(state, query[k]);
      if (next == k_none) break;
      state = next;
    }
    return k;
  }

  /// Number of states (for tests).
  [[nodiscard]] std::size_t states() const noexcept { return len_.size(); }

 private:
  static constexpr std::uint32_t k_none = 0xFFFFFFFFu;

  std::uint32_t new_state(std::uint32_t len, std::uint32_t link) {
    len_.push_back(len);
    link_.push_back(link);
    head_.push_back(k_none);
    return static_cast<std::uint32_t>(len_.size() - 1);
  }

  static std::uint64_t key(std::uint32_t state, std::uint32_t symbol) noexcept {
    return (static_cast<std::uint64_t>(state) << 32) | symbol;
  }
  static std::size_t mix(std::uint64_t k) noexcept {
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    return static_cast<std::size_t>(k);
  }

  // Open-addressing map (state, symbol) -> edge index; edges also form a list per state so that
  // a state's transitions can be copied when it is cloned.
  [[nodiscard]] std::uint32_t find_edge(std::uint32_t state, std::uint32_t symbol) const noexcept {
    if (slots_.empty()) return k_none;
    const std::uint64_t k = key(state, symbol);
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t s = mix(k) & mask;; s = (s + 1) & mask) {
      const std::uint32_t e = slots_[s];
      if (e == k_none) return k_none;
      if (edge_key_[e] == k) return e;
    }
  }
  [[nodiscard]] std::uint32_t find(std::uint32_t state, std::uint32_t symbol) const noexcept {
    const std::uint32_t e = find_edge(state, symbol);
    return e == k_none ? k_none : edge_to_[e];
  }
  void insert_slot(std::uint32_t e) {
    const std::size_t mask = slots_.size() - 1;
    std::size_t s = mix(edge_key_[e]) & mask;
    while (slots_[s] != k_none) s = (s + 1) & mask;
    slots_[s] = e;
  }
  void add_edge(std::uint32_t state, std::uint32_t symbol, std::uint32_t to) {
    if ((edge_key_.size() + 1) * 2 > slots_.size()) {
      slots_.assign(slots_.empty() ? 64 : slots_.size() * 2, k_none);
      for (std::uint32_t e = 0; e < edge_key_.size(); ++e) insert_slot(e);
    }
    const auto e = static_cast<std::uint32_t>(edge_key_.size());
    edge_key_.push_back(key(state, symbol));
    edge_to_.push_back(to);
    edge_next_.push_back(head_[state]);
    head_[state] = e;
    insert_slot(e);
  }

  void extend(std::uint32_t c) {
    const std::uint32_t cur = new_state(len_[last_] + 1, k_none);
    std::uint32_t p = last_;
    while (p != k_none && find_edge(p, c) == k_none) {
      add_edge(p, c, cur);
      p = link_[p];
    }
    if (p == k_none) {
      link_[cur] = 0;
    } else {
      const std::uint32_t q = find(p, c);
      if (len_[p] + 1 == len_[q]) {
        link_[cur] = q;
      } else {
        const std::uint32_t clone = new_state(len_[p] + 1, link_[q]);
        for (std::uint32_t e = head_[q]; e != k_none; e = edge_next_[e]) {
          add_edge(clone, static_cast<std::uint32_t>(edge_key_[e] & 0xFFFFFFFFu), edge_to_[e]);
        }
        for (; p != k_none; p = link_[p]) {
          const std::uint32_t e = find_edge(p, c);
          if (e == k_none || edge_to_[e] != q) break;
          edge_to_[e] = clone;
        }
        link_[q] = clone;
        link_[cur] = clone;
      }
    }
    last_ = cur;
  }

  std::vector<std::uint32_t> len_, link_, head_;
  std::vector<std::uint64_t> edge_key_;
  std::vector<std::uint32_t> edge_to_, edge_next_;
  std::vector<std::uint32_t> slots_;
  std::uint32_t last_ = 0;
  std::uint32_t separators_ = 0;
};

/// Grusky et al.'s greedy fragments: from i = 0, take the longest run summary[i..i+k) found in a
/// source; if k > 0 it is a fragment and i += k, else i += 1. Ids >= separator_base (e.g.
/// text::no_id for tokens absent from every source) never match.
[[nodiscard]] inline std::vector<fragment_range> greedy_fragments(
    const suffix_automaton& sources, std::span<const std::uint32_t> summary) {
  std::vector<fragment_range> out;
  std::size_t i = 0;
  while (i < summary.size()) {
    const std::size_t k = sources.longest_prefix(summary.subspan(i));
    if (k > 0) {
      out.push_back({static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(i + k)});
      i += k;
    } else {
      ++i;
    }
  }
  return out;
}

}  // namespace precis::metrics::detail
