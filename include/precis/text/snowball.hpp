#pragma once
/// @file snowball.hpp
/// RAII wrapper over libstemmer, the C library of the Snowball stemmers (english, porter, russian,
/// german, ... 29 languages in libstemmer 2.2). libstemmer.h stays out of this header.
/// Snowball's "english" (Porter2) and "porter" are *not* NLTK's Porter stemmer, which rouge_score
/// uses: for that, see porter.hpp. See docs/text/stemming.md.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace precis::text {

/// One Snowball stemmer for one language, UTF-8 in and out.
///
/// Not thread-safe (libstemmer keeps per-stemmer state and the result buffer): use one per thread.
/// Movable, not copyable. A moved-from stemmer may only be assigned to or destroyed.
class snowball_stemmer {
 public:
  /// Opens the Snowball stemmer for `language`.
  /// @param language a name from `languages()` ("english", "porter", "russian", ...) or an ISO
  ///   639 code libstemmer accepts ("en", "eng", "ru", "de", "fr", "es", ...); ASCII case is
  ///   ignored ("English" works).
  /// @throws precis::error `[precis.invalid_argument]` for an unknown language, naming it and
  ///   listing the known ones.
  explicit snowball_stemmer(std::string_view language);

  ~snowball_stemmer();
  snowball_stemmer(snowball_stemmer&& other) noexcept;
  snowball_stemmer& operator=(snowball_stemmer&& other) noexcept;
  snowball_stemmer(const snowball_stemmer&) = delete;
  snowball_stemmer& operator=(const snowball_stemmer&) = delete;

  /// Stem of `utf8_word`. The stemmer does not case-fold: pass lowercase words (Snowball's
  /// algorithms are defined on lowercase text: "Running" gives "Run", "RUNNING" stays
  /// "RUNNING"; NLTK's SnowballStemmer lowercases first). Invalid UTF-8 is not
  /// rejected; its stem is unspecified but memory-safe.
  /// @return a view into the stemmer's buffer, valid until the next call to `stem` or the end of
  ///   the stemmer's life.
  /// @throws std::bad_alloc when libstemmer runs out of memory; precis::error
  ///   `[precis.invalid_argument]` for a word of 2 GiB or more.
  std::string_view stem(std::string_view utf8_word);

  /// The language as accepted by the constructor, ASCII-lowercased ("en" stays "en").
  [[nodiscard]] const std::string& language() const noexcept { return language_; }

  /// The canonical language names of the linked libstemmer (`sb_stemmer_list()`), in its order
  /// (alphabetical). Aliases such as "en" are accepted by the constructor but not listed.
  static std::vector<std::string> languages();

 private:
  struct impl;
  struct impl_deleter {
    void operator()(impl* p) const noexcept;
  };
  std::unique_ptr<impl, impl_deleter> impl_;
  std::string language_;
};

}  // namespace precis::text
