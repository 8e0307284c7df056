#include "precis/io/jsonl.hpp"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <utility>

#include "precis/embed/encoder.hpp"
#include "precis/error.hpp"
#include "precis/text/utf8.hpp"

namespace precis::io {
namespace {

using nlohmann::json;

// Follows a dotted path ("meta.id"); nullptr when any part is missing.
const json* find_field(const json& object, const std::string& path) {
  const json* node = &object;
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t dot = path.find('.', start);
    const std::string key = path.substr(start, dot == std::string::npos ? dot : dot - start);
    if (!node->is_object()) return nullptr;
    const auto it = node->find(key);
    if (it == node->end()) return nullptr;
    node = &*it;
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return node;
}

// Nesting depth of `v` (a scalar is 0, [] is 1), counted without recursion; stops counting once
// past `limit`.
std::size_t depth_of(const json& v, std::size_t limit) {
  std::size_t deepest = 0;
  std::vector<std::pair<const json*, std::size_t>> stack{{&v, 0}};
  while (!stack.empty()) {
    const auto [node, depth] = stack.back();
    stack.pop_back();
    if (!node->is_structured()) continue;
    deepest = std::max(deepest, depth + 1);
    if (deepest > limit) return deepest;
    for (const auto& child : *node) {
      if (child.is_structured()) stack.emplace_back(&child, depth + 1);
    }
  }
  return deepest;
}

// Compact JSON text of `v`, byte for byte what v.dump() writes, without recursion: nlohmann's
// serializer recurses once per level, so only scalars and keys are dumped by it.
std::string dump_iterative(const json& v) {
  std::string out;
  struct frame {
    const json* node;
    json::const_iterator next;
  };
  std::vector<frame> stack;
  const json* current = &v;
  for (;;) {
    if (current->is_structured()) {
      out += current->is_object() ? '{' : '[';
      stack.push_back({current, current->cbegin()});
    } else {
      out += current->dump();
    }
    current = nullptr;
    while (current == nullptr && !stack.empty()) {
      frame& top = stack.back();
      if (top.next == top.node->cend()) {
        out += top.node->is_object() ? '}' : ']';
        stack.pop_back();
        continue;
      }
      if (top.next != top.node->cbegin()) out += ',';
      if (top.node->is_object()) {
        out += json(top.next.key()).dump();
        out += ':';
      }
      current = &*top.next;
      ++top.next;
    }
    if (current == nullptr) return out;
  }
}

// A line with invalid UTF-8 is parsed with each bad byte replaced by U+FFFF (a noncharacter
// that text does not hold; a line that already has one is rejected whole), so that the error
// can name the record and the field that held the bad byte.
constexpr std::string_view bad_byte_mark = "\xEF\xBF\xBF";

[[noreturn]] void bad_field(const std::string& field, const std::string& what,
                            const char* code = "invalid_argument") {
  raise(code, "field '" + field + "' " + what);
}

std::string as_string(const json& value, const std::string& field) {
  if (value.is_null()) bad_field(field, "is null: it must be a string");
  if (!value.is_string())
    bad_field(field, "must be a string, not " + std::string(value.type_name()));
  return value.get<std::string>();
}

// The record's id (read first, so that every later error can name the record).
std::string id_of(const json& line, const jsonl_fields& fields, std::size_t line_number) {
  if (const json* id = find_field(line, fields.id); id != nullptr && !id->is_null()) {
    if (id->is_string()) {
      std::string value = id->get<std::string>();
      if (value.find(bad_byte_mark) == std::string::npos) return value;
    } else if (id->is_number()) {
      return id->dump();
    }
  }
  return "line " + std::to_string(line_number);
}

void check_id(const json& line, const jsonl_fields& fields) {
  if (const json* id = find_field(line, fields.id); id != nullptr && !id->is_null()) {
    if (!id->is_string() && !id->is_number()) bad_field(fields.id, "must be a string or a number");
  }
}

// Reads the record's fields into `r`; returns the name of the sources field it read.
std::string read_record(const json& line, const jsonl_fields& fields, record& r) {
  check_id(line, fields);
  const json* summary = find_field(line, fields.summary);
  if (summary == nullptr) bad_field(fields.summary, "is missing: every record needs a summary");
  if (summary->is_null()) bad_field(fields.summary, "is null: every record needs a summary");
  if (summary->is_object() || summary->is_array()) {  // a structured summary, kept as JSON text
    // summary->dump() recursed once per level: a line of 100,000 '[' overflowed the stack.
    // nlohmann's parser and destructor are iterative; the depth is limited (and documented)
    // because the summary is parsed again as a structured summary, and dumped without recursion.
    if (depth_of(*summary, jsonl_max_depth) > jsonl_max_depth) {
      bad_field(fields.summary,
                "is nested deeper than " + std::to_string(jsonl_max_depth) + " levels",
                "parse_error");
    }
    r.summary = dump_iterative(*summary);
    r.structured = true;
  } else {
    r.summary = as_string(*summary, fields.summary);
  }

  if (const json* refs = find_field(line, fields.references); refs != nullptr && !refs->is_null()) {
    if (refs->is_string()) {
      r.references.push_back(refs->get<std::string>());
    } else if (refs->is_array()) {
      for (std::size_t i = 0; i < refs->size(); ++i) {
        r.references.push_back(
            as_string((*refs)[i], fields.references + "[" + std::to_string(i) + "]"));
      }
    } else {
      bad_field(fields.references,
                "must be a string or a list of strings, not " + std::string(refs->type_name()));
    }
  }
  std::string sources_field = fields.sources;
  std::vector<std::string> authors;  // per source item ("" where none)
  const json* src = find_field(line, fields.sources);
  if (src == nullptr && !fields.sources_fallback.empty()) {
    src = find_field(line, fields.sources_fallback);
    sources_field = fields.sources_fallback;
  }
  if (src != nullptr && !src->is_null()) {
    if (src->is_string()) {
      r.sources.push_back({"1", src->get<std::string>()});
    } else if (src->is_array()) {
      for (std::size_t i = 0; i < src->size(); ++i) {
        const json& item = (*src)[i];
        const std::string where = sources_field + "[" + std::to_string(i) + "]";
        if (item.is_string()) {
          r.sources.push_back({std::to_string(i + 1), item.get<std::string>()});
        } else if (item.is_object()) {
          const auto text = item.find("text");
          if (text == item.end()) bad_field(where, "has no 'text'");
          std::string id = std::to_string(i + 1);
          if (const auto it = item.find("id"); it != item.end() && !it->is_null()) {
            if (it->is_string()) {
              id = it->get<std::string>();
            } else if (it->is_number()) {
              id = it->dump();
            } else {
              bad_field(where + ".id",
                        "must be a string or a number, not " + std::string(it->type_name()));
            }
          }
          r.sources.push_back({std::move(id), as_string(*text, where + ".text")});
          if (const auto a = item.find("author"); a != item.end() && !a->is_null()) {
            authors.push_back(as_string(*a, where + ".author"));
          } else {
            authors.emplace_back();
          }
        } else {
          bad_field(where, "must be a string or an object with 'id' and 'text', not " +
                               std::string(item.type_name()));
        }
      }
    } else if (src->is_object()) {
      for (const auto& [id, text] : src->items()) {
        r.sources.push_back({id, as_string(text, sources_field + "." + id)});
      }
    } else {
      bad_field(sources_field, "must be a string, a list, or an object of id -> text, not " +
                                   std::string(src->type_name()));
    }
  }
  if (const json* q = find_field(line, fields.query); q != nullptr && !q->is_null()) {
    r.query = as_string(*q, fields.query);
  }
  if (const json* s = find_field(line, fields.subject); s != nullptr && !s->is_null()) {
    if (s->is_string()) {
      r.subject.push_back(s->get<std::string>());
    } else if (s->is_array()) {
      for (std::size_t i = 0; i < s->size(); ++i)
        r.subject.push_back(as_string((*s)[i], fields.subject + "[" + std::to_string(i) + "]"));
    } else if (s->is_object()) {
      if (const auto n = s->find("name"); n != s->end() && !n->is_null())
        r.subject.push_back(as_string(*n, fields.subject + ".name"));
      if (const auto a = s->find("aliases"); a != s->end() && a->is_array()) {
        for (std::size_t i = 0; i < a->size(); ++i)
          r.subject.push_back(
              as_string((*a)[i], fields.subject + ".aliases[" + std::to_string(i) + "]"));
      }
    } else {
      bad_field(fields.subject, "must be a string, a list of strings or {\"name\", \"aliases\"}, "
                                "not " + std::string(s->type_name()));
    }
  } else if (!authors.empty() && !authors.front().empty() &&
             std::all_of(authors.begin(), authors.end(),
                         [&](const std::string& a) { return a == authors.front(); })) {
    r.subject.push_back(authors.front());  // first-person posts by one author
  }
  if (const json* g = find_field(line, fields.gold); g != nullptr && !g->is_null()) {
    if (g->is_string()) {  // JSON text, as Python's compare_json takes it
      r.gold = g->get<std::string>();
    } else {
      if (depth_of(*g, jsonl_max_depth) > jsonl_max_depth) {
        bad_field(fields.gold,
                  "is nested deeper than " + std::to_string(jsonl_max_depth) + " levels",
                  "parse_error");
      }
      r.gold = dump_iterative(*g);
    }
  }
  return sources_field;
}

std::string mark_invalid_bytes(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 8);
  while (const auto at = text::find_invalid_utf8(text)) {
    out.append(text.substr(0, *at));
    out.append(bad_byte_mark);
    text.remove_prefix(*at + 1);
  }
  out.append(text);
  return out;
}

// The first field of `r` that holds a marked byte, or empty.
std::string marked_field(const record& r, const jsonl_fields& fields,
                         const std::string& sources_field) {
  auto has = [](std::string_view s) { return s.find(bad_byte_mark) != std::string_view::npos; };
  if (has(r.summary)) return fields.summary;
  for (std::size_t k = 0; k < r.references.size(); ++k) {
    if (has(r.references[k])) return fields.references + "[" + std::to_string(k) + "]";
  }
  for (std::size_t k = 0; k < r.sources.size(); ++k) {
    if (has(r.sources[k].id) || has(r.sources[k].text)) {
      return sources_field + "[" + std::to_string(k) + "]";
    }
  }
  if (has(r.query)) return fields.query;
  if (has(r.gold)) return fields.gold;
  return {};
}

// nlohmann's parse_error message without the library's tag and echo of the input:
// "[json.exception.parse_error.101] parse error at line 1, column 9: syntax error while parsing
// value - invalid literal; last read: '...'" -> "syntax error while parsing value - invalid
// literal".
std::string json_reason(const json::parse_error& e) {
  std::string what = e.what();
  if (const auto colon = what.find(": ", what.find("column")); colon != std::string::npos) {
    what = what.substr(colon + 2);
  } else if (const auto tag = what.find("] "); tag != std::string::npos) {
    what = what.substr(tag + 2);
  }
  if (const auto last = what.find("; last read"); last != std::string::npos) what.resize(last);
  return what;
}

}  // namespace

jsonl_line parse_jsonl_line(std::string_view text, std::size_t line_number,
                            const jsonl_fields& fields) {
  jsonl_line out;
  out.line = line_number;
  const std::string prefix = "line " + std::to_string(line_number);
  // nlohmann rejects invalid UTF-8 inside strings: the bad bytes are marked first (above).
  const auto bad_at = text::find_invalid_utf8(text);
  std::string marked;
  if (bad_at) {
    if (text.find(bad_byte_mark) != std::string_view::npos) {
      out.error = {line_number, "[precis.invalid_utf8] " + prefix + ": invalid UTF-8 at byte " +
                                    std::to_string(*bad_at) + " of the line"};
      return out;
    }
    marked = mark_invalid_bytes(text);
    text = marked;
  }
  json parsed;
  try {
    parsed = json::parse(text);
  } catch (const json::parse_error& e) {
    out.error = {line_number, "[precis.parse_error] " + prefix + ": malformed JSON at byte " +
                                  std::to_string(e.byte) + ": " + json_reason(e)};
    return out;
  } catch (const json::exception& e) {  // not expected from parse; never show the library's tag
    out.error = {line_number, "[precis.parse_error] " + prefix + ": malformed JSON"};
    return out;
  }
  if (!parsed.is_object()) {
    out.error = {line_number, "[precis.parse_error] " + prefix +
                                  ": a line must hold a JSON object, not " +
                                  std::string(parsed.type_name())};
    return out;
  }
  record r;
  r.id = id_of(parsed, fields, line_number);
  try {
    const std::string sources_field = read_record(parsed, fields, r);
    if (bad_at) {
      const json* id = find_field(parsed, fields.id);
      const std::string field =
          id != nullptr && id->is_string() &&
                  id->get_ref<const std::string&>().find(bad_byte_mark) != std::string::npos
              ? fields.id
              : marked_field(r, fields, sources_field);
      // A bad byte in a field that is not read (a note, a label) does not stop the record.
      if (!field.empty()) {
        raise("invalid_utf8", "field '" + field + "': invalid UTF-8 at byte " +
                                  std::to_string(*bad_at) + " of the line");
      }
    }
    out.value = std::move(r);
  } catch (const error& e) {
    out.error = {
        line_number,
        "[precis." + e.code() + "] " + prefix + " (id '" + r.id + "'), " + std::string(e.message()),
        r.id};
  } catch (const json::exception&) {
    out.error = {line_number,
                 "[precis.parse_error] " + prefix + " (id '" + r.id + "'): unreadable field", r.id};
  }
  return out;
}

jsonl_line_reader::jsonl_line_reader(std::istream& in, std::size_t max_line_bytes,
                                     std::size_t first_line, std::uint64_t start_offset,
                                     std::uint64_t start_hash)
    : in_(in),
      max_line_bytes_(max_line_bytes),
      next_line_(first_line),
      offset_(start_offset),
      hash_(start_hash),
      buffer_(std::size_t{1} << 20) {}

bool jsonl_line_reader::next(jsonl_raw_line& out) {
  // istream::getline returns as soon as a newline arrives (a pipe, a FIFO: each line is read
  // when it is written, not when a block is full) and stops at the buffer's size, so that a
  // line longer than the limit is dropped piece by piece.
  for (;;) {
    out.text.clear();
    out.length = 0;
    out.too_long = false;
    bool newline = false;
    bool any = false;
    for (;;) {
      in_.getline(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
      auto n = static_cast<std::size_t>(in_.gcount());
      if (in_.bad()) raise("io_error", "read error");
      const bool full = in_.fail() && !in_.eof() && n + 1 == buffer_.size();
      if (!in_.fail() && !in_.eof()) {  // the newline was found (and counted in gcount)
        newline = true;
        --n;
      }
      if (n > 0 || newline) any = true;
      out.length += n;
      if (out.text.size() < max_line_bytes_) {
        out.text.append(buffer_.data(), std::min(n, max_line_bytes_ - out.text.size()));
      }
      if (full) {
        in_.clear();
        continue;
      }
      break;
    }
    if (!any) return false;
    // Line by line, independent of how the bytes arrived: a resumed reader gets the same hashes.
    hash_ = embed::hash_bytes(out.text, hash_ + out.length);
    offset_ += out.length + (newline ? 1 : 0);
    out.number = next_line_++;
    out.end_offset = offset_;
    out.end_hash = hash_;
    if (out.length > max_line_bytes_) {
      out.too_long = true;
      out.text.clear();
      out.text.shrink_to_fit();
      return true;
    }
    if (!out.text.empty() && out.text.back() == '\r') out.text.pop_back();
    if (out.text.find_first_not_of(" \t") == std::string::npos) continue;
    return true;
  }
}

jsonl_records read_jsonl(std::istream& in, const jsonl_fields& fields) {
  jsonl_records out;
  jsonl_line_reader reader(in);
  jsonl_raw_line raw;
  while (reader.next(raw)) {
    if (raw.too_long) {
      out.errors.push_back({raw.number, "[precis.parse_error] line " + std::to_string(raw.number) +
                                            ": the line is " + std::to_string(raw.length) +
                                            " bytes long, more than the limit of " +
                                            std::to_string(jsonl_max_line_bytes)});
      continue;
    }
    auto parsed = parse_jsonl_line(raw.text, raw.number, fields);
    if (parsed.value) {
      out.records.push_back(std::move(*parsed.value));
      out.lines.push_back(raw.number);
    } else {
      out.errors.push_back(std::move(parsed.error));
    }
  }
  return out;
}

jsonl_records read_jsonl_file(const std::string& path, const jsonl_fields& fields) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) raise("io_error", "'" + path + "' is a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in) raise("io_error", "cannot open '" + path + "'");
  auto out = read_jsonl(in, fields);
  if (in.bad()) raise("io_error", "read error in '" + path + "'");
  return out;
}

}  // namespace precis::io
