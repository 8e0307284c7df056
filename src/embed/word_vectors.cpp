// Word vector files (text, word2vec binary, precis cache) and the pooling encoder.
#include "precis/embed/word_vectors.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>

#include "precis/error.hpp"

namespace precis::embed {

namespace {

constexpr char k_magic[8] = {'P', 'R', 'E', 'C', 'I', 'S', 'W', 'V'};
constexpr std::uint32_t k_version = 1;

// The whole file. Its size comes from fstat, not from seeking: fopen succeeds on a directory,
// whose "size" then reached std::string::reserve as garbage; a directory is refused by name.
std::string read_file(const std::string& path) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) raise("io_error", "word vectors '" + path + "': cannot open");
  struct stat st {};
  if (::fstat(::fileno(f.get()), &st) != 0) {
    raise("io_error", "word vectors '" + path + "': cannot stat (" + std::strerror(errno) + ")");
  }
  if (S_ISDIR(st.st_mode)) raise("io_error", "word vectors '" + path + "': is a directory");
  std::string data;
  // A pipe or device (e.g. <(zcat glove.txt.gz)) has no size: it is read to its end.
  if (S_ISREG(st.st_mode) && st.st_size > 0) data.reserve(static_cast<std::size_t>(st.st_size));
  char buf[1 << 16];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof(buf), f.get())) > 0) data.append(buf, n);
  if (std::ferror(f.get()) != 0) {
    raise("io_error", "word vectors '" + path + "': read failed (" + std::strerror(errno) + ")");
  }
  return data;
}

// A precis cache that does not hold together. Every size in it is checked against the file's
// real size before anything is allocated or copied.
[[noreturn]] void corrupt_cache(const std::string& path, const std::string& what) {
  raise("parse_error", "word vectors '" + path + "': corrupt precis cache: " + what);
}

// a * b, or false on overflow.
bool checked_mul(std::uint64_t a, std::uint64_t b, std::uint64_t& out) {
  return !__builtin_mul_overflow(a, b, &out);
}

[[noreturn]] void parse_fail(const std::string& path, std::size_t line, const std::string& what) {
  raise("parse_error", "word vectors '" + path + "' line " + std::to_string(line) + ": " + what);
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }

// "count dim" header: two integers alone on the first line.
bool parse_header(std::string_view line, std::size_t& count, std::size_t& dim) {
  const char* p = line.data();
  const char* end = p + line.size();
  auto r1 = std::from_chars(p, end, count);
  if (r1.ec != std::errc() || r1.ptr == end || !is_space(*r1.ptr)) return false;
  p = r1.ptr;
  while (p < end && is_space(*p)) ++p;
  auto r2 = std::from_chars(p, end, dim);
  if (r2.ec != std::errc()) return false;
  p = r2.ptr;
  while (p < end && is_space(*p)) ++p;
  return p == end && dim > 0;
}

inline bool token_byte(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '\'' ||
         c >= 0x80;
}

template <class F>
void for_each_token(std::string_view text, bool lowercase, std::string& scratch, F&& f) {
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && !token_byte(static_cast<unsigned char>(text[i]))) ++i;
    std::size_t j = i;
    while (j < text.size() && token_byte(static_cast<unsigned char>(text[j]))) ++j;
    if (j > i) {
      scratch.assign(text.substr(i, j - i));
      if (lowercase) {
        for (auto& c : scratch) {
          if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
        }
      }
      f(std::string_view(scratch));
    }
    i = j;
  }
}

}  // namespace

word_vectors::word_vectors(std::vector<std::string> words, row_matrix vectors)
    : words_(std::move(words)), vectors_(std::move(vectors)) {
  if (static_cast<std::size_t>(vectors_.rows()) != words_.size()) {
    raise("invalid_argument", "word vectors: " + std::to_string(words_.size()) + " words but " +
                                  std::to_string(vectors_.rows()) + " vectors");
  }
  check_finite(vectors_, "word vectors", true);
  index();
}

void word_vectors::index() {
  index_.clear();
  index_.reserve(words_.size());
  for (std::size_t i = 0; i < words_.size(); ++i) {
    index_.try_emplace(std::string_view(words_[i]), static_cast<std::uint32_t>(i));
  }
}

std::optional<std::uint32_t> word_vectors::find(std::string_view w) const {
  const auto it = index_.find(w);
  if (it == index_.end()) return std::nullopt;
  return it->second;
}

word_vectors word_vectors::load(const std::string& path, word_vector_format format,
                                std::size_t max_words) {
  const std::string data = read_file(path);
  std::string_view rest(data);
  std::size_t count = 0;
  std::size_t dim = 0;
  const std::size_t nl = rest.find('\n');
  const std::string_view first = rest.substr(0, nl);
  const bool header = parse_header(first, count, dim);
  if (format == word_vector_format::detect) {
    if (data.size() >= 8 && std::memcmp(data.data(), k_magic, 8) == 0) {
      format = word_vector_format::precis_cache;
    } else if (header && nl != std::string_view::npos) {
      // Binary when the bytes after the first word are not text.
      const std::string_view body = rest.substr(nl + 1);
      const std::size_t sp = body.find(' ');
      format = word_vector_format::text;
      if (sp != std::string_view::npos) {
        // 4 * dim may not fit: clamp before multiplying (substr clamps the rest).
        const std::string_view probe =
            body.substr(sp + 1, dim > body.size() / 4 ? body.size() : 4 * dim);
        for (const char c : probe) {
          const auto u = static_cast<unsigned char>(c);
          if ((u < 0x20 && u != '\n' && u != '\t' && u != '\r') || u >= 0x7F) {
            format = word_vector_format::word2vec_binary;
            break;
          }
        }
      }
    } else {
      format = word_vector_format::text;
    }
  }

  std::vector<std::string> words;
  std::vector<float> values;
  if (format == word_vector_format::precis_cache) {
    // Layout: magic[8] version:u32 n:u64 d:u64 | float32[n*d] | u64 offsets[n+1] | chars:u64 |
    // word bytes[chars]. Sizes are validated against data.size() before any allocation.
    std::size_t pos = 0;
    auto take = [&](void* out, std::size_t bytes) {
      if (bytes > data.size() - pos) {
        corrupt_cache(path, "truncated at byte " + std::to_string(pos));
      }
      if (bytes > 0) std::memcpy(out, data.data() + pos, bytes);
      pos += bytes;
    };
    char magic[8];
    std::uint32_t version = 0;
    std::uint64_t n = 0, d = 0, chars = 0;
    take(magic, 8);
    take(&version, 4);
    if (std::memcmp(magic, k_magic, 8) != 0 || version != k_version) {
      parse_fail(path, 0, "not a precis word vector cache (version 1)");
    }
    take(&n, 8);
    take(&d, 8);
    if (n == 0 || d == 0) {
      corrupt_cache(path, std::to_string(n) + " words of dimension " + std::to_string(d));
    }
    const std::uint64_t rest_bytes = data.size() - pos;
    std::uint64_t cells = 0, value_bytes = 0, offset_bytes = 0;
    if (!checked_mul(n, d, cells) || !checked_mul(cells, 4, value_bytes) ||
        !checked_mul(n + 1, 8, offset_bytes) || n + 1 == 0 || value_bytes > rest_bytes ||
        offset_bytes + 8 > rest_bytes - value_bytes) {
      corrupt_cache(path, std::to_string(n) + " words of dimension " + std::to_string(d) +
                              " do not fit in " + std::to_string(data.size()) + " bytes");
    }
    values.resize(static_cast<std::size_t>(cells));
    take(values.data(), static_cast<std::size_t>(value_bytes));
    std::vector<std::uint64_t> offsets(static_cast<std::size_t>(n + 1));
    take(offsets.data(), static_cast<std::size_t>(offset_bytes));
    take(&chars, 8);
    if (chars != data.size() - pos) {
      corrupt_cache(path, "word bytes " + std::to_string(chars) + " but " +
                              std::to_string(data.size() - pos) + " bytes left in the file");
    }
    if (offsets.front() != 0 || offsets.back() != chars) {
      corrupt_cache(path, "word offsets do not span the word bytes");
    }
    for (std::size_t i = 0; i < n; ++i) {
      if (offsets[i + 1] < offsets[i] || offsets[i + 1] > chars) {
        corrupt_cache(path, "word offset " + std::to_string(i + 1) + " out of order or range");
      }
    }
    words.reserve(static_cast<std::size_t>(n));
    for (std::size_t i = 0; i < n; ++i) {
      words.emplace_back(data.data() + pos + offsets[i],
                         static_cast<std::size_t>(offsets[i + 1] - offsets[i]));
    }
    dim = static_cast<std::size_t>(d);
  } else if (format == word_vector_format::word2vec_binary) {
    if (!header) parse_fail(path, 1, "word2vec binary needs a 'count dim' header");
    std::size_t pos = nl + 1;
    const std::size_t keep = max_words > 0 ? std::min(max_words, count) : count;
    // The header is not trusted: every word takes at least 2 + 4 * dim bytes (a byte of word, a
    // space, the floats), so the count and dimension must fit in what the file really holds
    // before anything is reserved (a 30-byte file must not ask for terabytes).
    const std::size_t body = data.size() - pos;
    if (dim > (body - std::min<std::size_t>(body, 2)) / 4 ||
        keep > body / (4 * dim + 2)) {
      parse_fail(path, 1,
                 "header says " + std::to_string(count) + " words of dimension " +
                     std::to_string(dim) + " but the file holds " + std::to_string(body) +
                     " bytes of vectors");
    }
    words.reserve(keep);
    values.resize(keep * dim);
    for (std::size_t i = 0; i < keep; ++i) {
      while (pos < data.size() && (data[pos] == '\n' || data[pos] == ' ')) ++pos;
      const std::size_t sp = data.find(' ', pos);
      if (sp == std::string::npos || sp + 1 + 4 * dim > data.size()) {
        parse_fail(path, i + 2,
                   "truncated word2vec binary file (" + std::to_string(i) + " of " +
                       std::to_string(count) + " words)");
      }
      words.emplace_back(data.data() + pos, sp - pos);
      std::memcpy(values.data() + i * dim, data.data() + sp + 1, 4 * dim);
      pos = sp + 1 + 4 * dim;
    }
  } else {
    std::size_t pos = (header && nl != std::string_view::npos) ? nl + 1 : 0;
    std::size_t line = header ? 2 : 1;
    if (!header) dim = 0;
    // A text header's count is not used; its dimension must be possible: each value takes at
    // least two bytes ("1 "), so a line of dim values cannot be shorter than 2 * dim.
    if (header && dim > data.size() / 2) {
      parse_fail(path, 1,
                 "header dimension " + std::to_string(dim) + " is larger than a file of " +
                     std::to_string(data.size()) + " bytes can hold");
    }
    while (pos < data.size() && (max_words == 0 || words.size() < max_words)) {
      std::size_t end = data.find('\n', pos);
      if (end == std::string::npos) end = data.size();
      std::string_view l(data.data() + pos, end - pos);
      while (!l.empty() && (l.back() == '\r' || l.back() == ' ')) l.remove_suffix(1);
      if (!l.empty()) {
        const std::size_t sp = l.find(' ');
        if (sp == std::string_view::npos) parse_fail(path, line, "no values");
        words.emplace_back(l.substr(0, sp));
        const char* p = l.data() + sp + 1;
        const char* e = l.data() + l.size();
        std::size_t got = 0;
        const std::size_t before = values.size();
        while (p < e) {
          while (p < e && *p == ' ') ++p;
          if (p == e) break;
          float v = 0.0F;
          const auto r = std::from_chars(p, e, v);
          if (r.ec != std::errc() || (r.ptr != e && *r.ptr != ' ')) {
            parse_fail(path, line, "value " + std::to_string(got + 1) + " is not a number");
          }
          if (!std::isfinite(v)) {
            parse_fail(path, line, "value " + std::to_string(got + 1) + " is NaN or infinite");
          }
          values.push_back(v);
          ++got;
          p = r.ptr;
        }
        if (dim == 0) dim = got;
        if (got != dim) {
          parse_fail(path, line, std::to_string(got) + " values, expected " + std::to_string(dim));
        }
        (void)before;
      }
      pos = end + 1;
      ++line;
    }
  }
  if (words.empty() || dim == 0) raise("parse_error", "word vectors '" + path + "': no vectors");
  row_matrix m = matrix_map(values.data(), static_cast<Eigen::Index>(words.size()),
                            static_cast<Eigen::Index>(dim));
  check_finite(m, "word vectors '" + path + "'");
  return word_vectors(std::move(words), std::move(m));
}

void word_vectors::save(const std::string& path) const {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) raise("io_error", "word vectors '" + path + "': cannot write");
  const std::uint64_t n = words_.size();
  const std::uint64_t d = dimension();
  out.write(k_magic, 8);
  out.write(reinterpret_cast<const char*>(&k_version), 4);
  out.write(reinterpret_cast<const char*>(&n), 8);
  out.write(reinterpret_cast<const char*>(&d), 8);
  out.write(reinterpret_cast<const char*>(vectors_.data()),
            static_cast<std::streamsize>(n * d * sizeof(float)));
  std::uint64_t off = 0;
  for (const auto& w : words_) {
    out.write(reinterpret_cast<const char*>(&off), 8);
    off += w.size();
  }
  out.write(reinterpret_cast<const char*>(&off), 8);
  out.write(reinterpret_cast<const char*>(&off), 8);
  for (const auto& w : words_) out.write(w.data(), static_cast<std::streamsize>(w.size()));
  out.close();  // the last buffer is written here: check after closing
  if (!out) raise("io_error", "word vectors '" + path + "': write failed");
}

// ---- encoder ------------------------------------------------------------------------------

word_vector_encoder::word_vector_encoder(std::shared_ptr<const word_vectors> vectors,
                                         std::string name, const word_vector_options& options)
    : vectors_(std::move(vectors)), name_(std::move(name)), options_(options) {
  if (!vectors_ || vectors_->size() == 0)
    raise("invalid_argument", "word vector encoder: no vectors");
  if (!(options_.sif_a > 0.0)) raise("invalid_argument", "word vector encoder: sif_a must be > 0");
  // Zipf: p(r) = 1 / ((r + 1) H_n).
  const std::size_t n = vectors_->size();
  double h = 0.0;
  for (std::size_t r = 0; r < n; ++r) h += 1.0 / static_cast<double>(r + 1);
  weights_.resize(n);
  for (std::size_t r = 0; r < n; ++r) {
    const double p = 1.0 / (static_cast<double>(r + 1) * h);
    weights_[r] = static_cast<float>(options_.sif_a / (options_.sif_a + p));
  }
}

void word_vector_encoder::set_frequencies(std::span<const std::string_view> corpus) {
  std::vector<std::uint64_t> counts(vectors_->size(), 0);
  std::uint64_t total = 0;
  std::string scratch;
  for (const auto text : corpus) {
    for_each_token(text, options_.lowercase, scratch, [&](std::string_view w) {
      ++total;
      if (const auto r = vectors_->find(w)) ++counts[*r];
    });
  }
  std::uint64_t h = 0;
  for (std::size_t r = 0; r < counts.size(); ++r) {
    const double p = total > 0 ? static_cast<double>(counts[r]) / static_cast<double>(total) : 0.0;
    weights_[r] = static_cast<float>(options_.sif_a / (options_.sif_a + p));
    h = h * 1000003ULL + counts[r];
  }
  weights_tag_ = "corpus:" + std::to_string(h);
}

std::string word_vector_encoder::id() const {
  std::string s = "word-vectors/v1/" + name_ + "/n=" + std::to_string(vectors_->size()) +
                  "/d=" + std::to_string(dimension()) +
                  "/pool=" + (options_.pool == pooling::mean ? "mean" : "sif") +
                  "/lower=" + (options_.lowercase ? "1" : "0") +
                  "/norm=" + (options_.normalize ? "1" : "0");
  if (options_.pool == pooling::sif)
    s += "/a=" + std::to_string(options_.sif_a) + "/p=" + weights_tag_;
  return s;
}

row_matrix word_vector_encoder::encode(std::span<const std::string_view> texts) const {
  const auto d = static_cast<Eigen::Index>(dimension());
  row_matrix out = row_matrix::Zero(static_cast<Eigen::Index>(texts.size()), d);
  std::string scratch;
  std::uint64_t seen = 0, oov = 0;
  const auto& v = vectors_->vectors();
  for (std::size_t t = 0; t < texts.size(); ++t) {
    auto row = out.row(static_cast<Eigen::Index>(t));
    double total = 0.0;
    for_each_token(texts[t], options_.lowercase, scratch, [&](std::string_view w) {
      ++seen;
      const auto r = vectors_->find(w);
      if (!r) {
        ++oov;
        return;
      }
      const float wt = options_.pool == pooling::sif ? weights_[*r] : 1.0F;
      row += wt * v.row(*r);
      total += 1.0;
    });
    if (total > 0.0) row /= static_cast<float>(total);
    if (options_.normalize) {
      const double norm = row.cast<double>().norm();
      if (norm > 0.0) row /= static_cast<float>(norm);
    }
  }
  tokens_ += seen;
  oov_ += oov;
  return out;
}

}  // namespace precis::embed
