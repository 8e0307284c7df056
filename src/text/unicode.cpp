// Normalization and case folding. Boost.Locale (ICU backend) does the Unicode work; pure ASCII
// takes a fast path (NFKC is the identity on ASCII, full case folding is tolower).

#include <boost/locale/conversion.hpp>
#include <boost/locale/generator.hpp>
#include <boost/locale/localization_backend.hpp>
#include <cstdint>
#include <cstring>
#include <locale>
#include <string>
#include <string_view>

#include "precis/text/normalize.hpp"
#include "precis/text/utf8.hpp"

namespace precis::text {
namespace {

// Generating a locale costs about 2 ms, so it is done once; std::locale and its facets are
// immutable and safe to use from many threads. Only the ICU backend implements NFKC and full
// case folding (posix/std silently skip them), so it is selected explicitly.
const std::locale& icu_locale() {
  static const std::locale loc = [] {
    boost::locale::localization_backend_manager manager =
        boost::locale::localization_backend_manager::global();
    manager.select("icu");
    boost::locale::generator gen(manager);
    return gen("en_US.UTF-8");
  }();
  return loc;
}

}  // namespace

void ascii_lower_into(std::string_view s, std::string& out) {
  out.resize(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    out[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c;
  }
}

bool is_ascii(std::string_view s) noexcept {
  std::size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    std::uint64_t chunk;
    std::memcpy(&chunk, s.data() + i, 8);
    if ((chunk & 0x8080808080808080ULL) != 0) return false;
  }
  for (; i < s.size(); ++i) {
    if (static_cast<unsigned char>(s[i]) >= 0x80) return false;
  }
  return true;
}

void normalize_into(std::string_view valid_utf8, std::string& out, bool nfkc, bool case_fold) {
  out.clear();
  if (is_ascii(valid_utf8)) {
    if (case_fold) {
      ascii_lower_into(valid_utf8, out);
    } else {
      out.assign(valid_utf8);
    }
    return;
  }
  const std::locale& loc = icu_locale();
  const char* b = valid_utf8.data();
  const char* e = b + valid_utf8.size();
  if (nfkc && case_fold) {
    // NFKC(fold(NFKC(s))): folding can decompose ("ΐ" folds to three code points), the last
    // NFKC recomposes so the result is closed under both operations.
    const std::string once = boost::locale::normalize(b, e, boost::locale::norm_nfkc, loc);
    const std::string folded = boost::locale::fold_case(once, loc);
    if (folded == once) {
      out = once;
    } else {
      out = boost::locale::normalize(folded, boost::locale::norm_nfkc, loc);
    }
  } else if (nfkc) {
    out = boost::locale::normalize(b, e, boost::locale::norm_nfkc, loc);
  } else if (case_fold) {
    out = boost::locale::fold_case(b, e, loc);
  } else {
    out.assign(valid_utf8);
  }
}

std::string normalize(std::string_view valid_utf8, bool nfkc, bool case_fold) {
  validate_utf8(valid_utf8);
  std::string out;
  normalize_into(valid_utf8, out, nfkc, case_fold);
  return out;
}

}  // namespace precis::text
