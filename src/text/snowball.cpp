#include "precis/text/snowball.hpp"

#include <libstemmer.h>

#include <climits>
#include <new>
#include <string>
#include <utility>

#include "precis/error.hpp"

namespace precis::text {

struct snowball_stemmer::impl {
  sb_stemmer* stemmer;
};

void snowball_stemmer::impl_deleter::operator()(impl* p) const noexcept {
  if (p == nullptr) return;
  sb_stemmer_delete(p->stemmer);
  delete p;
}

snowball_stemmer::snowball_stemmer(std::string_view language) : language_(language) {
  for (char& c : language_) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  // libstemmer reads a C string: a name with an embedded NUL would be cut short and could match.
  sb_stemmer* s = language_.find('\0') == std::string::npos
                      ? sb_stemmer_new(language_.c_str(), "UTF_8")
                      : nullptr;
  if (s == nullptr) {
    std::string known;
    for (const std::string& name : languages()) {
      if (!known.empty()) known += ", ";
      known += name;
    }
    precis::raise("invalid_argument", "unknown Snowball language '" + std::string(language) +
                                          "'; known: " + known +
                                          " (and their ISO 639 codes, e.g. en, ru)");
  }
  impl_.reset(new impl{s});
}

snowball_stemmer::~snowball_stemmer() = default;

snowball_stemmer::snowball_stemmer(snowball_stemmer&& other) noexcept
    : impl_(std::move(other.impl_)), language_(std::move(other.language_)) {
  other.language_.clear();
}

snowball_stemmer& snowball_stemmer::operator=(snowball_stemmer&& other) noexcept {
  if (this != &other) {
    impl_ = std::move(other.impl_);
    language_ = std::move(other.language_);
    other.language_.clear();
  }
  return *this;
}

std::string_view snowball_stemmer::stem(std::string_view utf8_word) {
  if (utf8_word.size() > static_cast<std::size_t>(INT_MAX)) {
    precis::raise("invalid_argument", "snowball_stemmer: word of " +
                                          std::to_string(utf8_word.size()) +
                                          " bytes is too long for libstemmer");
  }
  // A default string_view has a null data(); libstemmer would memmove from it.
  const char* data = utf8_word.empty() ? "" : utf8_word.data();
  sb_stemmer* s = impl_->stemmer;
  const sb_symbol* out = sb_stemmer_stem(s, reinterpret_cast<const sb_symbol*>(data),
                                         static_cast<int>(utf8_word.size()));
  if (out == nullptr) throw std::bad_alloc();
  return {reinterpret_cast<const char*>(out), static_cast<std::size_t>(sb_stemmer_length(s))};
}

std::vector<std::string> snowball_stemmer::languages() {
  std::vector<std::string> names;
  for (const char** p = sb_stemmer_list(); *p != nullptr; ++p) names.emplace_back(*p);
  return names;
}

}  // namespace precis::text
