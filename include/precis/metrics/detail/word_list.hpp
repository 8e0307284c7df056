#pragma once
/// @file word_list.hpp
/// The entries of a word or phrase list embedded from data/ (data/fillers/<lang>.txt,
/// data/function_words/<lang>.txt): one entry per line, '#' starts a comment, blanks around an
/// entry are dropped, empty lines skipped.

#include <cstddef>
#include <string_view>
#include <vector>

namespace precis::metrics::detail {

inline std::vector<std::string_view> list_entries(std::string_view data) {
  std::vector<std::string_view> out;
  std::size_t pos = 0;
  while (pos < data.size()) {
    std::size_t end = data.find('\n', pos);
    if (end == std::string_view::npos) end = data.size();
    std::string_view line = data.substr(pos, end - pos);
    pos = end + 1;
    if (const auto hash = line.find('#'); hash != std::string_view::npos) {
      line = line.substr(0, hash);
    }
    while (!line.empty() && (line.back() == ' ' || line.back() == '\r' || line.back() == '\t')) {
      line.remove_suffix(1);
    }
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

}  // namespace precis::metrics::detail
