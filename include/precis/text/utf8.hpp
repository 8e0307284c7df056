#pragma once
/// @file utf8.hpp
/// UTF-8 validation at the boundary. Everything inside precis assumes valid UTF-8: texts are checked
/// once when they enter (analysis, batch calls, file readers), and either rejected with the byte
/// offset of the first bad sequence or, on request, repaired with U+FFFD and reported.
/// See docs/text.md.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "precis/error.hpp"

namespace precis::text {

/// What to do with invalid UTF-8.
enum class invalid_utf8_policy : std::uint8_t {
  raise,    ///< throw `precis::error` `[precis.invalid_utf8]` naming the byte offset (default)
  replace,  ///< replace each maximal invalid subpart with U+FFFD and report the offsets
};

namespace detail {

/// Length of the valid UTF-8 sequence starting at `s[i]`, or 0 when it is invalid; `*bad_len`
/// receives the length of the maximal invalid subpart (Unicode 15, section 3.9, "U+FFFD
/// substitution of maximal subparts", as WHATWG and ICU do) so repair can skip exactly it.
inline std::size_t utf8_sequence_length(std::string_view s, std::size_t i,
                                        std::size_t* bad_len) noexcept {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b0 = byte(i);
  std::size_t need = 0;
  unsigned char lo = 0x80, hi = 0xBF;
  if (b0 < 0x80) return 1;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    need = 1;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    need = 2;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;  // no surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    need = 3;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;  // not above U+10FFFF
  } else {
    *bad_len = 1;
    return 0;
  }
  std::size_t k = 1;
  for (; k <= need; ++k) {
    if (i + k >= s.size()) break;
    const unsigned char b = byte(i + k);
    const unsigned char l = k == 1 ? lo : 0x80, h = k == 1 ? hi : 0xBF;
    if (b < l || b > h) break;
  }
  if (k > need) return need + 1;
  *bad_len = k;
  return 0;
}

}  // namespace detail

/// Byte offset of the first invalid UTF-8 sequence in `s`, or `std::nullopt` when `s` is valid.
/// ASCII runs are skipped eight bytes at a time.
inline std::optional<std::size_t> find_invalid_utf8(std::string_view s) noexcept {
  std::size_t i = 0;
  const std::size_t n = s.size();
  while (i < n) {
    if (i + 8 <= n) {
      std::uint64_t chunk;
      std::memcpy(&chunk, s.data() + i, 8);
      if ((chunk & 0x8080808080808080ULL) == 0) {
        i += 8;
        continue;
      }
    }
    std::size_t bad = 0;
    const std::size_t len = detail::utf8_sequence_length(s, i, &bad);
    if (len == 0) return i;
    i += len;
  }
  return std::nullopt;
}

/// True when `s` is valid UTF-8.
inline bool is_valid_utf8(std::string_view s) noexcept { return !find_invalid_utf8(s); }

/// Throws `[precis.invalid_utf8] <what>: invalid UTF-8 at byte N` when `s` is not valid UTF-8.
/// @param what names the input in the message, e.g. "summary" or "record 3, field 'source'".
inline void validate_utf8(std::string_view s, std::string_view what = "text") {
  if (const auto at = find_invalid_utf8(s)) {
    raise("invalid_utf8", std::string(what) + ": invalid UTF-8 at byte " + std::to_string(*at));
  }
}

/// `s` with each maximal invalid subpart replaced by U+FFFD (EF BF BD). The byte offsets (in `s`)
/// of the replaced subparts are appended to `*repaired` when it is not null.
inline std::string repair_utf8(std::string_view s, std::vector<std::size_t>* repaired = nullptr) {
  std::string out;
  out.reserve(s.size() + 8);
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t bad = 0;
    const std::size_t len = detail::utf8_sequence_length(s, i, &bad);
    if (len > 0) {
      out.append(s.data() + i, len);
      i += len;
    } else {
      out.append("\xEF\xBF\xBD");
      if (repaired != nullptr) repaired->push_back(i);
      i += bad;
    }
  }
  return out;
}

/// Validates `s` under `policy`: returns `std::nullopt` when `s` is valid (use it as is), the
/// repaired text under `replace`, and throws under `raise`.
inline std::optional<std::string> check_utf8(std::string_view s, invalid_utf8_policy policy,
                                             std::string_view what = "text",
                                             std::vector<std::size_t>* repaired = nullptr) {
  const auto at = find_invalid_utf8(s);
  if (!at) return std::nullopt;
  if (policy == invalid_utf8_policy::raise) {
    raise("invalid_utf8", std::string(what) + ": invalid UTF-8 at byte " + std::to_string(*at));
  }
  return repair_utf8(s, repaired);
}

}  // namespace precis::text
