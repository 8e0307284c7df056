// Tolerant extraction of the JSON value in LLM output; see docs/structured/json_output.md.
#include "precis/structured/json_output.hpp"

#include <algorithm>

#include "precis/error.hpp"
#include "precis/text/utf8.hpp"
#include "structured_json.hpp"

namespace precis::structured {
namespace {

bool is_ws(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

bool has_non_ws(std::string_view s, std::size_t b, std::size_t e) {
  for (std::size_t i = b; i < e; ++i)
    if (!is_ws(s[i])) return true;
  return false;
}

std::size_t skip_ws(std::string_view s, std::size_t b, std::size_t e) {
  while (b < e && is_ws(s[b])) ++b;
  return b;
}

constexpr std::size_t max_candidates = 16;

// The closing ``` of a block whose content starts at `cs`: the first one at the start of a line
// (after optional spaces or tabs), else the first one anywhere (a fence glued to the value's
// last line), else `hi` (unclosed). A ``` inside a string value therefore does not end the block.
std::size_t closing_fence(std::string_view text, std::size_t cs, std::size_t hi) {
  std::size_t any = std::string_view::npos;
  for (std::size_t c = text.find("```", cs); c != std::string_view::npos && c < hi;
       c = text.find("```", c + 3)) {
    if (any == std::string_view::npos) any = c;
    std::size_t k = c;
    while (k > cs && (text[k - 1] == ' ' || text[k - 1] == '\t')) --k;
    if (k == cs || text[k - 1] == '\n') return c;
  }
  return any == std::string_view::npos ? hi : any;
}

void check_depth_option(std::size_t max_depth) {
  if (max_depth < 1 || max_depth > json_max_depth_limit) {
    raise("invalid_argument", "json_output_options.max_depth must be in 1.." +
                                  std::to_string(json_max_depth_limit) + ", got " +
                                  std::to_string(max_depth));
  }
}

void set_error(json_output& r, json_error_kind kind, std::size_t at, std::string message) {
  r.error = kind;
  r.error_offset = at;
  r.message = std::move(message);
  r.json.clear();
}

}  // namespace

std::string_view json_repair_kind_name(json_repair_kind kind) noexcept {
  switch (kind) {
    case json_repair_kind::byte_order_mark:
      return "byte_order_mark";
    case json_repair_kind::code_fence:
      return "code_fence";
    case json_repair_kind::leading_text:
      return "leading_text";
    case json_repair_kind::trailing_text:
      return "trailing_text";
    case json_repair_kind::trailing_comma:
      return "trailing_comma";
  }
  return "unknown";
}

std::string_view json_error_kind_name(json_error_kind kind) noexcept {
  switch (kind) {
    case json_error_kind::none:
      return "none";
    case json_error_kind::empty:
      return "empty";
    case json_error_kind::truncated:
      return "truncated";
    case json_error_kind::syntax:
      return "syntax";
    case json_error_kind::invalid_utf8:
      return "invalid_utf8";
    case json_error_kind::too_deep:
      return "too_deep";
  }
  return "unknown";
}

std::string escape_json_pointer_token(std::string_view token) {
  std::string out;
  detail::append_pointer_token(out, token);
  return out.substr(1);
}

namespace detail {

// Shared by parse_json_output and the schema/compare entry points that take LLM output: also
// hands back the parsed value.
json_output extract(std::string_view text, const json_output_options& o, value& out) {
  check_depth_option(o.max_depth);
  json_output r;
  if (const auto bad = precis::text::find_invalid_utf8(text)) {
    set_error(r, json_error_kind::invalid_utf8, *bad,
              "invalid UTF-8 at byte " + std::to_string(*bad));
    return r;
  }
  std::size_t lo = 0, hi = text.size();
  if (text.substr(0, 3) == "\xEF\xBB\xBF") {
    r.repairs.push_back({json_repair_kind::byte_order_mark, 0, 3});
    lo = 3;
  }
  // Text that is exactly one object or array needs no fence search (a string value may itself
  // contain a fenced block).
  const std::size_t b0 = skip_ws(text, lo, hi);
  if (b0 < hi && (text[b0] == '{' || text[b0] == '[')) {
    value whole;
    parse_outcome po = parse_value(text, b0, hi, whole, o.max_depth, o.allow_trailing_commas);
    if (po.ok && !has_non_ws(text, po.value_end, hi)) {
      std::size_t from = b0;
      for (const std::size_t comma : po.trailing_commas) {
        r.json.append(text.data() + from, comma - from);
        r.repairs.push_back({json_repair_kind::trailing_comma, comma, comma + 1});
        from = comma + 1;
      }
      r.json.append(text.data() + from, po.value_end - from);
      r.begin = b0;
      r.end = po.value_end;
      out = std::move(whole);
      return r;
    }
  }
  // Code fence: the first ``` block whose content holds '{' or '['.
  std::size_t close_begin = hi, close_end = hi;
  bool fenced = false;
  if (o.strip_code_fences) {
    std::size_t search = lo;
    while (search < hi) {
      const std::size_t f = text.find("```", search);
      if (f == std::string_view::npos || f >= hi) break;
      const std::size_t nl = text.find('\n', f);
      const std::size_t cs = nl == std::string_view::npos ? hi : nl + 1;
      std::size_t c = closing_fence(text, cs, hi);
      const std::string_view content = text.substr(cs, c - cs);
      if (content.find_first_of("{[") != std::string_view::npos) {
        if (has_non_ws(text, lo, f)) r.repairs.push_back({json_repair_kind::leading_text, lo, f});
        r.repairs.push_back({json_repair_kind::code_fence, f, cs});
        if (c < hi) {
          close_begin = c;
          close_end = c + 3;
        }
        lo = cs;
        hi = c;
        fenced = true;
        break;
      }
      if (c >= hi) break;
      search = c + 3;
    }
  }
  const std::size_t region_end = hi;
  const std::size_t b = skip_ws(text, lo, hi);
  if (b >= hi) {
    set_error(r, json_error_kind::empty, b, "no JSON value found");
    return r;
  }

  // Attempt at `start`; success means a value and (with strip_prose) anything after it.
  auto attempt = [&](std::size_t start, value& v) {
    return parse_value(text, start, hi, v, o.max_depth, o.allow_trailing_commas);
  };

  value v;
  parse_outcome best = attempt(b, v);
  std::size_t start = b;
  bool found = false;
  if (best.ok) {
    const bool rest = has_non_ws(text, best.value_end, hi);
    const bool container = v.type == value::kind::array || v.type == value::kind::object;
    if (!rest || container || !o.strip_prose) found = true;
  }
  if (!found && text[b] != '{' && text[b] != '[' && o.strip_prose) {
    // Prose before the value: try the next opening brackets, keep the furthest failure.
    parse_outcome furthest;
    bool tried = false;
    std::size_t count = 0;
    for (std::size_t i = b + 1; i < hi && count < max_candidates; ++i) {
      if (text[i] != '{' && text[i] != '[') continue;
      ++count;
      value cv;
      parse_outcome po = attempt(i, cv);
      if (po.ok) {
        v = std::move(cv);
        best = std::move(po);
        start = i;
        found = true;
        break;
      }
      if (!tried || po.error_offset > furthest.error_offset) furthest = std::move(po);
      tried = true;
    }
    if (!found) {
      if (tried) {
        best = std::move(furthest);
      } else if (!best.ok || best.error == json_error_kind::syntax) {
        set_error(r, json_error_kind::empty, b, "no JSON value found");
        return r;
      } else {
        found = best.ok;
      }
    }
  }
  if (!found && best.ok && !o.strip_prose) found = true;
  if (!found) {
    if (best.ok) {
      set_error(r, json_error_kind::empty, b, "no JSON value found");
    } else {
      set_error(r, best.error, best.error_offset, best.message);
    }
    return r;
  }
  if (start > b) r.repairs.push_back({json_repair_kind::leading_text, lo, start});
  const std::size_t value_end = best.value_end;
  if (has_non_ws(text, value_end, region_end)) {
    if (!o.strip_prose) {
      const std::size_t at = skip_ws(text, value_end, region_end);
      set_error(r, json_error_kind::syntax, at,
                "unexpected text at byte " + std::to_string(at) + " after the JSON value");
      return r;
    }
    r.repairs.push_back({json_repair_kind::trailing_text, value_end, region_end});
  }
  if (fenced && close_begin < close_end) {
    r.repairs.push_back({json_repair_kind::code_fence, close_begin, close_end});
    if (has_non_ws(text, close_end, text.size())) {
      r.repairs.push_back({json_repair_kind::trailing_text, close_end, text.size()});
    }
  }
  // The repaired text: the value's bytes minus tolerated trailing commas.
  std::size_t from = start;
  for (const std::size_t comma : best.trailing_commas) {
    r.json.append(text.data() + from, comma - from);
    r.repairs.push_back({json_repair_kind::trailing_comma, comma, comma + 1});
    from = comma + 1;
  }
  r.json.append(text.data() + from, value_end - from);
  r.begin = start;
  r.end = value_end;
  std::stable_sort(r.repairs.begin(), r.repairs.end(),
                   [](const json_repair& x, const json_repair& y) { return x.begin < y.begin; });
  out = std::move(v);
  return r;
}

}  // namespace detail

json_output parse_json_output(std::string_view text, const json_output_options& options) {
  detail::value v;
  return detail::extract(text, options, v);
}

std::optional<json_output> check_json(std::string_view text, std::size_t max_depth) {
  json_output_options o;
  o.max_depth = max_depth;
  o.strip_code_fences = false;
  o.strip_prose = false;
  o.allow_trailing_commas = false;
  json_output r = parse_json_output(text, o);
  if (r.ok() && !r.repairs.empty()) {  // only a BOM can remain
    set_error(r, json_error_kind::syntax, 0, "byte-order mark at byte 0");
  }
  if (r.ok()) return std::nullopt;
  return r;
}

}  // namespace precis::structured
