#include "precis/io/jsonl.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <utility>
#include <nlohmann/json.hpp>

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

[[noreturn]] void bad_field(const std::string& field, const std::string& what) {
  raise("parse_error", "field '" + field + "' " + what);
}

std::string as_string(const json& value, const std::string& field) {
  if (!value.is_string()) bad_field(field, "must be a string, not " + std::string(value.type_name()));
  return value.get<std::string>();
}

record to_record(const json& line, const jsonl_fields& fields, std::size_t line_number) {
  if (!line.is_object()) {
    raise("parse_error", "a line must hold a JSON object, not " + std::string(line.type_name()));
  }
  record r;
  if (const json* id = find_field(line, fields.id); id != nullptr && !id->is_null()) {
    if (id->is_string()) {
      r.id = id->get<std::string>();
    } else if (id->is_number()) {
      r.id = id->dump();
    } else {
      bad_field(fields.id, "must be a string or a number");
    }
  } else {
    r.id = "line " + std::to_string(line_number);
  }
  const json* summary = find_field(line, fields.summary);
  if (summary == nullptr) bad_field(fields.summary, "is missing");
  if (summary->is_object() || summary->is_array()) {  // a structured summary, kept as JSON text
    // summary->dump() recursed once per level: a line of 100,000 '[' overflowed the stack.
    // nlohmann's parser and destructor are iterative; the depth is limited (and documented)
    // because the summary is parsed again as a structured summary, and dumped without recursion.
    if (depth_of(*summary, jsonl_max_depth) > jsonl_max_depth) {
      bad_field(fields.summary,
                "is nested deeper than " + std::to_string(jsonl_max_depth) + " levels");
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
      bad_field(fields.references, "must be a string or a list of strings");
    }
  }
  if (const json* src = find_field(line, fields.sources); src != nullptr && !src->is_null()) {
    if (src->is_string()) {
      r.sources.push_back({"1", src->get<std::string>()});
    } else if (src->is_array()) {
      for (std::size_t i = 0; i < src->size(); ++i) {
        const json& item = (*src)[i];
        const std::string where = fields.sources + "[" + std::to_string(i) + "]";
        if (item.is_string()) {
          r.sources.push_back({std::to_string(i + 1), item.get<std::string>()});
        } else if (item.is_object()) {
          const auto text = item.find("text");
          if (text == item.end()) bad_field(where, "has no 'text'");
          std::string id = std::to_string(i + 1);
          if (const auto it = item.find("id"); it != item.end()) {
            id = it->is_string() ? it->get<std::string>() : it->dump();
          }
          r.sources.push_back({std::move(id), as_string(*text, where + ".text")});
        } else {
          bad_field(where, "must be a string or an object with 'id' and 'text'");
        }
      }
    } else if (src->is_object()) {
      for (const auto& [id, text] : src->items()) {
        r.sources.push_back({id, as_string(text, fields.sources + "." + id)});
      }
    } else {
      bad_field(fields.sources, "must be a string, a list, or an object of id -> text");
    }
  }
  if (const json* q = find_field(line, fields.query); q != nullptr && !q->is_null()) {
    r.query = as_string(*q, fields.query);
  }
  return r;
}

}  // namespace

jsonl_records read_jsonl(std::istream& in, const jsonl_fields& fields) {
  jsonl_records out;
  std::string line;
  std::size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    const std::string prefix = "line " + std::to_string(number);
    try {
      // nlohmann rejects invalid UTF-8 inside strings; check first to name the byte offset.
      if (const auto at = text::find_invalid_utf8(line)) {
        raise("invalid_utf8", "invalid UTF-8 at byte " + std::to_string(*at) + " of the line");
      }
      const json parsed = json::parse(line);
      out.records.push_back(to_record(parsed, fields, number));
      out.lines.push_back(number);
    } catch (const error& e) {
      out.errors.push_back(
          {number, "[precis." + e.code() + "] " + prefix + ": " + std::string(e.message())});
    } catch (const json::exception& e) {
      out.errors.push_back({number, "[precis.parse_error] " + prefix + ": malformed JSON: " + e.what()});
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
