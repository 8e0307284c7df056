// analyzed_text: validation, tokenization, per-type normalization and stemming, sentence
// splitting and interning, done once; n-gram tables built lazily.

#include "precis/text/analyzed_text.hpp"

#include <algorithm>
#include <cstring>
#include <limits>
#include <string>
#include <unordered_map>
#include <utility>

#include "precis/error.hpp"
#include "precis/text/normalize.hpp"
#include "precis/text/porter.hpp"
#include "precis/text/snowball.hpp"

namespace precis::text {
namespace {

// 64-bit hash of a short string (word-at-a-time multiply-xorshift). Only picks a slot: lookups
// compare the strings, so collisions cost time, never correctness.
std::uint64_t hash_bytes(std::string_view s) noexcept {
  std::uint64_t h = 0x9E3779B97F4A7C15ULL ^ (s.size() * 0xFF51AFD7ED558CCDULL);
  std::size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    std::uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    h = (h ^ w) * 0xC2B2AE3D27D4EB4FULL;
    h ^= h >> 29;
  }
  std::uint64_t tail = 0;
  std::memcpy(&tail, s.data() + i, s.size() - i);
  h = (h ^ tail) * 0xC2B2AE3D27D4EB4FULL;
  h ^= h >> 32;
  h *= 0x165667B19E3779F9ULL;
  h ^= h >> 29;
  return h;
}

snowball_stemmer& thread_stemmer(const std::string& language) {
  // libstemmer is not thread-safe: one stemmer per thread and language.
  thread_local std::unordered_map<std::string, snowball_stemmer> stemmers;
  auto it = stemmers.find(language);
  if (it == stemmers.end()) it = stemmers.emplace(language, snowball_stemmer(language)).first;
  return it->second;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// vocabulary

std::optional<std::uint32_t> vocabulary::find(std::string_view s) const noexcept {
  if (slots_.empty()) return std::nullopt;
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t k = hash_bytes(s) & mask;; k = (k + 1) & mask) {
    const std::uint32_t id = slots_[k];
    if (id == no_id) return std::nullopt;
    if ((*this)[id] == s) return id;
  }
}

void vocabulary::rehash(std::size_t cap) {
  slots_.assign(cap, no_id);
  const std::size_t mask = cap - 1;
  for (std::uint32_t id = 0; id < size(); ++id) {
    std::size_t k = hash_bytes((*this)[id]) & mask;
    while (slots_[k] != no_id) k = (k + 1) & mask;
    slots_[k] = id;
  }
}

void vocabulary::reserve(std::size_t n) {
  std::size_t cap = 64;
  while (cap < (n + 1) * 2) cap *= 2;
  if (cap > slots_.size()) rehash(cap);
  // The strings themselves: all of a short text's at once, a long text's grow as they come.
  offsets_.reserve(std::min<std::size_t>(n, 4096) + 1);
  chars_.reserve(std::min<std::size_t>(n * 8, 32768));
}

std::uint32_t vocabulary::intern(std::string_view s) {
  if ((size() + 1) * 2 > slots_.size()) rehash(slots_.empty() ? 64 : slots_.size() * 2);
  const std::size_t mask = slots_.size() - 1;
  std::size_t k = hash_bytes(s) & mask;
  for (;; k = (k + 1) & mask) {
    const std::uint32_t id = slots_[k];
    if (id == no_id) break;
    if ((*this)[id] == s) return id;
  }
  const auto id = static_cast<std::uint32_t>(size());
  chars_.append(s);
  offsets_.push_back(static_cast<std::uint32_t>(chars_.size()));
  slots_[k] = id;
  return id;
}

// ---------------------------------------------------------------------------------------------
// ngram_counts

ngram_counts::ngram_counts(std::span<const std::uint32_t> ids, std::size_t n) : n_(n) {
  if (n == 0) raise("invalid_argument", "n-gram order must be at least 1");
  if (ids.size() < n) return;
  const std::size_t m = ids.size() - n + 1;
  total_ = m;
  if (n == 1) {
    // Unigrams: a counting pass over ids instead of a sort.
    std::uint32_t max_id = 0;
    for (const std::uint32_t id : ids) max_id = std::max(max_id, id);
    std::vector<std::uint32_t> tally(std::size_t{max_id} + 1, 0);
    for (const std::uint32_t id : ids) ++tally[id];
    for (std::uint32_t id = 0; id <= max_id; ++id) {
      if (tally[id] == 0) continue;
      keys_.push_back(id);
      counts_.push_back(tally[id]);
    }
    return;
  }
  std::vector<std::uint32_t> starts(m);
  for (std::size_t i = 0; i < m; ++i) starts[i] = static_cast<std::uint32_t>(i);
  const std::uint32_t* d = ids.data();
  const auto less = [d, n](std::uint32_t a, std::uint32_t b) {
    return std::lexicographical_compare(d + a, d + a + n, d + b, d + b + n);
  };
  std::sort(starts.begin(), starts.end(), less);
  for (std::size_t i = 0; i < m;) {
    std::size_t j = i + 1;
    while (j < m && std::equal(d + starts[i], d + starts[i] + n, d + starts[j])) ++j;
    keys_.insert(keys_.end(), d + starts[i], d + starts[i] + n);
    counts_.push_back(static_cast<std::uint32_t>(j - i));
    i = j;
  }
}

std::uint32_t ngram_counts::find(std::span<const std::uint32_t> g) const noexcept {
  if (g.size() != n_ || n_ == 0) return 0;
  std::size_t lo = 0, hi = counts_.size();
  while (lo < hi) {
    const std::size_t mid = lo + (hi - lo) / 2;
    const std::uint32_t* k = keys_.data() + mid * n_;
    if (std::lexicographical_compare(k, k + n_, g.begin(), g.end())) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  if (lo < counts_.size() && std::equal(g.begin(), g.end(), keys_.data() + lo * n_)) {
    return counts_[lo];
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------
// analyzed_text

analyzed_text::analyzed_text(std::string_view input, const analyze_options& options)
    : options_(options) {
  if (auto repaired = check_utf8(input, options.on_invalid, "text", &repairs_)) {
    text_ = std::move(*repaired);
  } else {
    text_.assign(input);
  }
  if (text_.size() >= std::numeric_limits<std::uint32_t>::max()) {
    raise("invalid_argument", "text too long: analyze takes texts below 4 GiB");
  }
  const std::string_view text = text_;

  tokens_.reserve(text.size() / 5 + 4);
  tokenize_into(text, options.tokens, tokens_);

  // Types: ASCII tokens are lowercased in place of NFKC + folding; each distinct non-ASCII raw
  // form is normalized through ICU once.
  ids_.resize(tokens_.size());
  types_.reserve(tokens_.size());
  type_kinds_.reserve(std::min<std::size_t>(tokens_.size(), 4096));
  std::unordered_map<std::string_view, std::uint32_t> non_ascii;
  std::string buf;
  const bool all_ascii = is_ascii(text);  // one pass instead of one per token
  // With case folding, ASCII tokens are read from a copy of the text with A-Z lowered (one pass
  // over the text instead of a copy per token; bytes of multi-byte characters are left alone).
  std::string lowered;
  if (options.case_fold) ascii_lower_into(text, lowered);
  const std::string_view ascii_types = options.case_fold ? std::string_view(lowered) : text;
  for (std::size_t i = 0; i < tokens_.size(); ++i) {
    const token& t = tokens_[i];
    const std::string_view raw = text.substr(t.begin, t.end - t.begin);
    std::uint32_t id;
    if (all_ascii || is_ascii(raw)) {
      id = types_.intern(ascii_types.substr(t.begin, t.end - t.begin));
    } else {
      const auto it = non_ascii.find(raw);
      if (it != non_ascii.end()) {
        id = it->second;
      } else {
        normalize_into(raw, buf, options.nfkc, options.case_fold);
        id = types_.intern(buf);
        non_ascii.emplace(raw, id);
      }
    }
    if (id == type_kinds_.size()) type_kinds_.push_back(t.kind);
    ids_[i] = id;
  }

  // Stems, once per type; numbers, ideographs and punctuation are their own stems.
  const auto n_types = static_cast<std::uint32_t>(types_.size());
  type_stems_.resize(n_types);
  if (options.stemmer == stemmer_kind::none) {
    for (std::uint32_t k = 0; k < n_types; ++k) type_stems_[k] = k;
  } else {
    stemmed_ = true;
    stems_.reserve(n_types);
    snowball_stemmer* snowball = options.stemmer == stemmer_kind::snowball
                                     ? &thread_stemmer(options.stem_language)
                                     : nullptr;
    std::string stem;
    for (std::uint32_t k = 0; k < n_types; ++k) {
      const std::string_view type = types_[k];
      if (type_kinds_[k] != token_kind::word) {
        type_stems_[k] = stems_.intern(type);
      } else if (snowball != nullptr) {
        type_stems_[k] = stems_.intern(snowball->stem(type));
      } else {
        porter_stem(type, stem);
        type_stems_[k] = stems_.intern(stem);
      }
    }
    stem_ids_.resize(ids_.size());
    for (std::size_t i = 0; i < ids_.size(); ++i) stem_ids_[i] = type_stems_[ids_[i]];
  }

  // Sentences, each with the tokens that start inside it.
  sentences_ = detail::split_sentences_unchecked(text, options.sentences);
  std::size_t ti = 0;
  for (std::size_t s = 0; s < sentences_.size(); ++s) {
    const std::uint32_t limit = s + 1 < sentences_.size()
                                    ? sentences_[s + 1].begin
                                    : std::numeric_limits<std::uint32_t>::max();
    sentences_[s].first_token = static_cast<std::uint32_t>(ti);
    while (ti < tokens_.size() && tokens_[ti].begin < limit) ++ti;
    sentences_[s].end_token = static_cast<std::uint32_t>(ti);
  }
}

analyzed_text::~analyzed_text() = default;

std::vector<std::uint32_t> analyzed_text::project_types(const analyzed_text& other) const {
  std::vector<std::uint32_t> out(other.types().size());
  for (std::size_t k = 0; k < out.size(); ++k) {
    out[k] = types_.find(other.types()[static_cast<std::uint32_t>(k)]).value_or(no_id);
  }
  return out;
}

std::vector<std::uint32_t> analyzed_text::project_stems(const analyzed_text& other) const {
  const vocabulary& mine = stems();
  const vocabulary& theirs = other.stems();
  std::vector<std::uint32_t> out(theirs.size());
  for (std::size_t k = 0; k < out.size(); ++k) {
    out[k] = mine.find(theirs[static_cast<std::uint32_t>(k)]).value_or(no_id);
  }
  return out;
}

const ngram_counts& analyzed_text::ngrams(std::size_t n, id_space space) const {
  if (n < 1 || n > max_ngram) {
    raise("invalid_argument", "n-gram order must be between 1 and 9, got " + std::to_string(n));
  }
  lazy_ngrams& slot = ngrams_[(space == id_space::stems ? max_ngram : 0) + n - 1];
  std::call_once(slot.once, [&] { slot.counts = std::make_unique<ngram_counts>(ids(space), n); });
  return *slot.counts;
}

std::shared_ptr<const analyzed_text> analyze(std::string_view text,
                                             const analyze_options& options) {
  return std::make_shared<const analyzed_text>(text, options);
}

}  // namespace precis::text
