#pragma once
// Shared by the libFuzzer targets of tests/fuzz (docs/reliability.md, "Fuzzing"): splitting one
// input into several fields, and the invariant check that stops a run with a message.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "precis/error.hpp"
#include "precis/text/utf8.hpp"

namespace precis_fuzz {

// A violated invariant is a finding: print it and abort (libFuzzer saves the input).
#define PRECIS_FUZZ_CHECK(condition)                                                      \
  do {                                                                                    \
    if (!(condition)) {                                                                   \
      std::fprintf(stderr, "invariant failed: %s (%s:%d)\n", #condition, __FILE__, __LINE__); \
      std::abort();                                                                       \
    }                                                                                     \
  } while (0)

inline std::string_view view(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// The input cut at every byte 0xFF (which never occurs in UTF-8): fields for targets that take
// several texts (summary, sources, a schema and a document).
inline std::vector<std::string_view> fields(std::string_view input, std::size_t at_most) {
  std::vector<std::string_view> out;
  while (out.size() + 1 < at_most) {
    const auto cut = input.find('\xFF');
    if (cut == std::string_view::npos) break;
    out.push_back(input.substr(0, cut));
    input.remove_prefix(cut + 1);
  }
  out.push_back(input);
  return out;
}

// A score of the library's 0..1 scale: in [0, 1], or NaN (only where the result carries an error).
inline bool unit_or_nan(double v) { return std::isnan(v) || (v >= 0.0 && v <= 1.0); }
inline bool unit(double v) { return v >= 0.0 && v <= 1.0; }

// Every error the library raises for bad input is a precis::error with a "[precis." prefix.
inline void check_error(const precis::error& e) {
  PRECIS_FUZZ_CHECK(std::string_view(e.what()).starts_with("[precis."));
}

}  // namespace precis_fuzz
