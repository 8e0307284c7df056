// Encoders: batching and checks, the hashed TF-IDF encoder, precomputed and callback encoders.
#include "precis/embed/encoder.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

#include "precis/error.hpp"

namespace precis::embed {

namespace {

constexpr std::uint64_t k_mul = 0x9E3779B97F4A7C15ULL;

inline std::uint64_t mix(std::uint64_t h) noexcept {
  h ^= h >> 30;
  h *= 0xBF58476D1CE4E5B9ULL;
  h ^= h >> 27;
  h *= 0x94D049BB133111EBULL;
  h ^= h >> 31;
  return h;
}

inline bool word_byte(unsigned char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
}

inline unsigned char lower(unsigned char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<unsigned char>(c + 32) : c;
}

std::string hex(std::uint64_t v) {
  static const char* digits = "0123456789abcdef";
  std::string s(16, '0');
  for (int i = 15; i >= 0; --i) {
    s[static_cast<std::size_t>(i)] = digits[v & 15U];
    v >>= 4;
  }
  return s;
}

}  // namespace

std::uint64_t hash_bytes(std::string_view bytes, std::uint64_t seed) noexcept {
  std::uint64_t h = mix(seed + k_mul) ^ (bytes.size() * k_mul);
  std::size_t i = 0;
  for (; i + 8 <= bytes.size(); i += 8) {
    std::uint64_t w;
    std::memcpy(&w, bytes.data() + i, 8);
    h = mix(h ^ w) * k_mul;
  }
  std::uint64_t tail = 0;
  for (std::size_t k = 0; i + k < bytes.size(); ++k) {
    tail |= static_cast<std::uint64_t>(static_cast<unsigned char>(bytes[i + k])) << (8 * k);
  }
  return mix(h ^ tail ^ 0xA5A5A5A5A5A5A5A5ULL);
}

void check_finite(matrix_ref m, std::string_view name, bool allow_empty) {
  if (!allow_empty && (m.rows() == 0 || m.cols() == 0)) {
    raise("invalid_argument", std::string(name) + ": empty matrix (" + std::to_string(m.rows()) +
                                  " x " + std::to_string(m.cols()) + ")");
  }
  for (Eigen::Index r = 0; r < m.rows(); ++r) {
    const float* row = m.row(r).data();
    float acc = 0.0F;
    for (Eigen::Index c = 0; c < m.cols(); ++c)
      acc += row[c] * 0.0F;  // NaN iff a value is not finite
    if (acc == acc) continue;
    for (Eigen::Index c = 0; c < m.cols(); ++c) {
      if (!std::isfinite(row[c])) {
        raise("invalid_argument", std::string(name) + ": row " + std::to_string(r) + " column " +
                                      std::to_string(c) + " is " +
                                      (std::isnan(row[c]) ? "NaN" : "infinite"));
      }
    }
  }
}

row_matrix encode_batched(const encoder& enc, std::span<const std::string_view> texts,
                          std::size_t batch_size) {
  if (batch_size == 0) raise("invalid_argument", "encode: batch_size must be >= 1");
  const auto d = static_cast<Eigen::Index>(enc.dimension());
  row_matrix out(static_cast<Eigen::Index>(texts.size()), d);
  for (std::size_t begin = 0; begin < texts.size(); begin += batch_size) {
    const std::size_t n = std::min(batch_size, texts.size() - begin);
    row_matrix part = enc.encode(texts.subspan(begin, n));
    if (part.rows() != static_cast<Eigen::Index>(n) || part.cols() != d) {
      raise("invalid_argument",
            "encoder '" + enc.id() + "' returned a " + std::to_string(part.rows()) + " x " +
                std::to_string(part.cols()) + " matrix for " + std::to_string(n) +
                " texts (expected " + std::to_string(n) + " x " + std::to_string(d) + ")");
    }
    for (Eigen::Index r = 0; r < part.rows(); ++r) {
      if (!part.row(r).allFinite()) {
        raise("invalid_argument", "encoder '" + enc.id() +
                                      "' returned a NaN or infinite value for text " +
                                      std::to_string(begin + static_cast<std::size_t>(r)));
      }
    }
    out.middleRows(static_cast<Eigen::Index>(begin), static_cast<Eigen::Index>(n)) = part;
  }
  return out;
}

row_matrix encode_batched(const encoder& enc, std::span<const std::string> texts,
                          std::size_t batch_size) {
  const std::vector<std::string_view> views(texts.begin(), texts.end());
  return encode_batched(enc, std::span<const std::string_view>(views), batch_size);
}

// ---- hashed -------------------------------------------------------------------------------

hashed_encoder::hashed_encoder(const hashed_options& options) : options_(options) {
  if (options_.dimension == 0) raise("invalid_argument", "hashed encoder: dimension must be >= 1");
  if (options_.char_ngram_min > 0 &&
      (options_.char_ngram_max > 8 || options_.char_ngram_min > options_.char_ngram_max)) {
    raise("invalid_argument",
          "hashed encoder: need 1 <= char_ngram_min <= char_ngram_max <= 8 (or char_ngram_min 0)");
  }
  if (!options_.words && options_.char_ngram_min == 0) {
    raise("invalid_argument", "hashed encoder: no features (words false and char_ngram_min 0)");
  }
}

// Calls visit(bucket, signed weight) for every feature of `text`. Words are lower-cased runs of
// word bytes; each n-gram's hash is built byte by byte from its start so that all the lengths
// starting at one position share the work (one multiply per byte), then finalized per length.
template <class Visit>
void hashed_encoder::features(std::string_view text, Visit&& visit) const {
  const std::uint64_t d = options_.dimension;
  const std::uint64_t word_seed = mix(options_.seed ^ 0x57AD5EEDULL);
  const std::uint64_t gram_seed = mix(options_.seed ^ 0x6A3B5EEDULL);
  const std::size_t nmin = options_.char_ngram_min;
  const std::size_t nmax = options_.char_ngram_max;
  const float ww = options_.word_weight;
  const float cw = options_.char_weight;
  const bool sign = options_.signed_hash;
  auto emit = [&](std::uint64_t h, float w) {
    h = mix(h);
    const auto bucket = static_cast<std::uint32_t>(((h & 0xFFFFFFFFULL) * d) >> 32);
    visit(bucket, (sign && (h >> 63) != 0) ? -w : w);
  };
  // padded word buffer: '<' word '>'
  unsigned char buf[256];
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  std::size_t i = 0;
  while (i < n) {
    while (i < n && !word_byte(s[i])) ++i;
    if (i >= n) break;
    std::size_t j = i;
    std::uint64_t wh = word_seed;
    std::size_t len = 0;
    buf[0] = '<';
    while (j < n && word_byte(s[j])) {
      const unsigned char c = lower(s[j]);
      wh = (wh ^ c) * k_mul;
      if (len < sizeof(buf) - 2) buf[1 + len] = c;
      ++len;
      ++j;
    }
    if (options_.words) emit(wh ^ len, ww);
    if (nmin > 0) {
      const std::size_t plen = std::min(len, sizeof(buf) - 2) + 2;
      buf[plen - 1] = '>';
      for (std::size_t p = 0; p + nmin <= plen; ++p) {
        std::uint64_t h = gram_seed;
        const std::size_t top = std::min(nmax, plen - p);
        for (std::size_t k = 0; k < top; ++k) {
          h = (h ^ buf[p + k]) * k_mul;
          if (k + 1 >= nmin) emit(h + k, cw);
        }
      }
    }
    i = j;
  }
}

void hashed_encoder::encode_into(std::string_view text, std::span<float> out) const {
  std::fill(out.begin(), out.end(), 0.0F);
  float* o = out.data();
  features(text, [o](std::uint32_t b, float w) { o[b] += w; });
  if (!idf_.empty()) {
    for (std::size_t k = 0; k < out.size(); ++k) o[k] *= idf_[k];
  }
  if (options_.normalize) {
    double ss = 0.0;
    for (std::size_t k = 0; k < out.size(); ++k) ss += static_cast<double>(o[k]) * o[k];
    if (ss > 0.0) {
      const auto inv = static_cast<float>(1.0 / std::sqrt(ss));
      for (std::size_t k = 0; k < out.size(); ++k) o[k] *= inv;
    }
  }
}

row_matrix hashed_encoder::encode(std::span<const std::string_view> texts) const {
  row_matrix out(static_cast<Eigen::Index>(texts.size()),
                 static_cast<Eigen::Index>(options_.dimension));
  for (std::size_t t = 0; t < texts.size(); ++t) {
    encode_into(texts[t],
                std::span<float>(out.row(static_cast<Eigen::Index>(t)).data(), options_.dimension));
  }
  return out;
}

hashed_encoder hashed_encoder::fit_idf(std::span<const std::string_view> corpus) const {
  const std::size_t d = options_.dimension;
  std::vector<std::uint32_t> df(d, 0);
  std::vector<std::uint32_t> seen(d, 0);
  std::uint32_t doc = 0;
  for (const auto text : corpus) {
    ++doc;
    features(text, [&](std::uint32_t b, float) {
      if (seen[b] != doc) {
        seen[b] = doc;
        ++df[b];
      }
    });
  }
  std::vector<float> idf(d);
  const double n = static_cast<double>(corpus.size());
  for (std::size_t b = 0; b < d; ++b) {
    idf[b] = static_cast<float>(std::log((1.0 + n) / (1.0 + df[b])) + 1.0);
  }
  hashed_encoder out(options_);
  out.idf_ = std::move(idf);
  return out;
}

void hashed_encoder::set_idf(std::vector<float> idf) {
  if (!idf.empty() && idf.size() != options_.dimension) {
    raise("invalid_argument", "hashed encoder: idf has " + std::to_string(idf.size()) +
                                  " values, dimension is " + std::to_string(options_.dimension));
  }
  for (std::size_t k = 0; k < idf.size(); ++k) {
    if (!std::isfinite(idf[k])) {
      raise("invalid_argument",
            "hashed encoder: idf value " + std::to_string(k) + " is not finite");
    }
  }
  idf_ = std::move(idf);
}

std::string hashed_encoder::id() const {
  const auto& o = options_;
  std::string s = "hashed-tfidf/v1/d=" + std::to_string(o.dimension) +
                  "/w=" + (o.words ? std::to_string(o.word_weight) : std::string("off")) +
                  "/c=" + std::to_string(o.char_ngram_min) + "-" +
                  std::to_string(o.char_ngram_max) + ":" + std::to_string(o.char_weight) +
                  "/sign=" + (o.signed_hash ? "1" : "0") + "/seed=" + std::to_string(o.seed) +
                  "/norm=" + (o.normalize ? "1" : "0");
  if (!idf_.empty()) {
    s += "/idf=" + hex(hash_bytes(std::string_view(reinterpret_cast<const char*>(idf_.data()),
                                                   idf_.size() * sizeof(float)),
                                  0));
  }
  return s;
}

// ---- precomputed / callback -----------------------------------------------------------------

precomputed_encoder::precomputed_encoder(std::string id, std::span<const std::string> texts,
                                         matrix_ref vectors)
    : id_(std::move(id)), vectors_(vectors) {
  check_finite(vectors, "precomputed encoder vectors");
  if (static_cast<std::size_t>(vectors.rows()) != texts.size()) {
    raise("invalid_argument", "precomputed encoder: " + std::to_string(texts.size()) +
                                  " texts but " + std::to_string(vectors.rows()) + " vectors");
  }
  for (std::size_t i = 0; i < texts.size(); ++i) index_[texts[i]] = i;
}

row_matrix precomputed_encoder::encode(std::span<const std::string_view> texts) const {
  row_matrix out(static_cast<Eigen::Index>(texts.size()), vectors_.cols());
  for (std::size_t t = 0; t < texts.size(); ++t) {
    const auto it = index_.find(std::string(texts[t]));
    if (it == index_.end()) {
      raise("invalid_argument", "precomputed encoder '" + id_ + "': no vector for text " +
                                    std::to_string(t) + " ('" +
                                    std::string(texts[t].substr(0, 40)) + "')");
    }
    out.row(static_cast<Eigen::Index>(t)) = vectors_.row(static_cast<Eigen::Index>(it->second));
  }
  return out;
}

callback_encoder::callback_encoder(std::string id, std::size_t dimension, function fn)
    : id_(std::move(id)), dimension_(dimension), fn_(std::move(fn)) {
  if (dimension_ == 0) raise("invalid_argument", "callback encoder: dimension must be >= 1");
  if (!fn_) raise("invalid_argument", "callback encoder: empty function");
}

row_matrix callback_encoder::encode(std::span<const std::string_view> texts) const {
  row_matrix out = fn_(texts);
  if (out.rows() != static_cast<Eigen::Index>(texts.size()) ||
      out.cols() != static_cast<Eigen::Index>(dimension_)) {
    raise("invalid_argument", "callback encoder '" + id_ + "' returned a " +
                                  std::to_string(out.rows()) + " x " + std::to_string(out.cols()) +
                                  " matrix for " + std::to_string(texts.size()) +
                                  " texts (expected " + std::to_string(texts.size()) + " x " +
                                  std::to_string(dimension_) + ")");
  }
  return out;
}

}  // namespace precis::embed
