// JSON Schema (2020-12 subset) compiler and validator with field-level partial credit.
// See docs/structured/json_schema.md. Patterns use ICU regular expressions on code points (ICU
// keeps its backtracking stack on the heap with a limit, so long strings cannot overflow the C
// stack as std::regex's recursive executor does).
#include "precis/structured/json_schema.hpp"

#include <unicode/regex.h>
#include <unicode/utext.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <deque>
#include <map>
#include <optional>
#include <unordered_map>

#include "precis/detail/parallel.hpp"
#include "precis/error.hpp"
#include "structured_json.hpp"

namespace precis::structured {
namespace {

using detail::value;
using vkind = detail::value::kind;

enum type_bit : std::uint8_t {
  t_null = 1,
  t_boolean = 2,
  t_integer = 4,
  t_number = 8,
  t_string = 16,
  t_array = 32,
  t_object = 64,
};

// Evaluation keeps its frames on the heap (one per schema applied to a value), so these bound
// work and memory, not the C stack: a $ref loop that never consumes the document stops here.
constexpr std::size_t max_eval_depth = 6000;
constexpr std::size_t max_schema_depth = 1000;  // JSON nesting of a schema document
// ICU time slices (about 1 ms each on current hardware) before a match gives up.
constexpr int32_t pattern_time_limit = 1000;

struct node {
  int boolean = -1;  // -1: a schema object; 0: `false`; 1: `true`
  std::uint8_t types = 0;
  std::string type_text;  // "integer", "string or null"
  std::vector<std::pair<std::string, int>> properties;
  std::vector<std::string> required;
  int additional = -1;
  int items = -1;
  std::vector<int> prefix_items;
  bool has_const = false;
  value const_value;
  bool has_enum = false;
  std::vector<value> enum_values;
  std::optional<double> minimum, maximum, exclusive_minimum, exclusive_maximum, multiple_of;
  std::optional<std::size_t> min_length, max_length, min_items, max_items, min_properties,
      max_properties;
  bool unique_items = false;
  std::shared_ptr<const icu::RegexPattern> pattern;
  std::string pattern_text;
  std::vector<int> all_of, any_of, one_of;
  int not_schema = -1;
  int ref = -1;
  std::string ref_text;
  std::uint8_t format = 0;  // a checked `format` (format_kind), 0: none
};

// ---- `format` ----
// The formats checked (as assertions) when json_schema_options::check_formats is on; others
// are listed by json_schema::unchecked_formats(). Checks follow the RFCs' grammars, no lookups.
enum format_kind : std::uint8_t {
  f_none,
  f_date,
  f_time,
  f_date_time,
  f_email,
  f_hostname,
  f_ipv4,
  f_ipv6,
  f_uri,
  f_uri_reference,
  f_uuid,
  f_json_pointer,
};

struct format_info {
  const char* name;
  format_kind kind;
  const char* expected;
};

constexpr format_info known_formats[] = {
    {"date", f_date, "a date YYYY-MM-DD (RFC 3339)"},
    {"time", f_time, "a time HH:MM:SS[.frac](Z|+HH:MM) (RFC 3339)"},
    {"date-time", f_date_time, "a date-time YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM) (RFC 3339)"},
    {"email", f_email, "an email address local@domain"},
    {"hostname", f_hostname, "a host name (RFC 1123)"},
    {"ipv4", f_ipv4, "an IPv4 address a.b.c.d"},
    {"ipv6", f_ipv6, "an IPv6 address (RFC 4291)"},
    {"uri", f_uri, "an absolute URI scheme:... (RFC 3986)"},
    {"uri-reference", f_uri_reference, "a URI reference (RFC 3986)"},
    {"uuid", f_uuid, "a UUID xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"},
    {"json-pointer", f_json_pointer, "a JSON Pointer (RFC 6901)"},
};

bool is_digit(char ch) { return ch >= '0' && ch <= '9'; }
bool is_alpha(char ch) { return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'); }
bool is_hex(char ch) {
  return is_digit(ch) || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
}

// `n` digits at `i` as a number, or -1.
int digits_at(std::string_view t, std::size_t i, std::size_t n) {
  if (i + n > t.size()) return -1;
  int x = 0;
  for (std::size_t k = i; k < i + n; ++k) {
    if (!is_digit(t[k])) return -1;
    x = x * 10 + (t[k] - '0');
  }
  return x;
}

bool valid_date(std::string_view t) {
  if (t.size() != 10 || t[4] != '-' || t[7] != '-') return false;
  const int y = digits_at(t, 0, 4), m = digits_at(t, 5, 2), d = digits_at(t, 8, 2);
  if (y < 0 || m < 1 || m > 12 || d < 1) return false;
  static constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= days[m - 1] + (m == 2 && leap ? 1 : 0);
}

bool valid_time(std::string_view t) {
  if (t.size() < 9 || t[2] != ':' || t[5] != ':') return false;
  const int h = digits_at(t, 0, 2), m = digits_at(t, 3, 2), sec = digits_at(t, 6, 2);
  if (h < 0 || h > 23 || m < 0 || m > 59 || sec < 0 || sec > 60) return false;  // 60: leap
  std::size_t i = 8;
  if (t[i] == '.') {
    const std::size_t start = ++i;
    while (i < t.size() && is_digit(t[i])) ++i;
    if (i == start) return false;
  }
  if (i == t.size()) return false;  // RFC 3339 requires the offset
  if ((t[i] == 'Z' || t[i] == 'z') && i + 1 == t.size()) return true;
  if ((t[i] != '+' && t[i] != '-') || i + 6 != t.size() || t[i + 3] != ':') return false;
  const int oh = digits_at(t, i + 1, 2), om = digits_at(t, i + 4, 2);
  return oh >= 0 && oh <= 23 && om >= 0 && om <= 59;
}

bool valid_hostname(std::string_view t) {
  if (!t.empty() && t.back() == '.') t.remove_suffix(1);  // a fully qualified name
  if (t.empty() || t.size() > 253) return false;
  std::size_t label = 0;
  for (std::size_t i = 0; i <= t.size(); ++i) {
    if (i == t.size() || t[i] == '.') {
      if (label == 0 || label > 63 || t[i - 1] == '-' || t[i - label] == '-') return false;
      label = 0;
    } else if (is_alpha(t[i]) || is_digit(t[i]) || t[i] == '-') {
      ++label;
    } else {
      return false;
    }
  }
  return true;
}

bool valid_ipv4(std::string_view t) {
  int parts = 0;
  std::size_t i = 0;
  while (true) {
    const std::size_t start = i;
    int x = 0;
    while (i < t.size() && is_digit(t[i]) && i - start < 3) x = x * 10 + (t[i++] - '0');
    const std::size_t len = i - start;
    if (len == 0 || x > 255 || (len > 1 && t[start] == '0')) return false;
    if (++parts == 4) return i == t.size();
    if (i >= t.size() || t[i] != '.') return false;
    ++i;
  }
}

bool valid_ipv6(std::string_view t) {
  // Eight groups of 1-4 hex digits, one "::" standing for one or more zero groups, and an IPv4
  // address as the last 32 bits.
  if (t.size() < 2 || t.size() > 45) return false;
  int groups = 0;
  bool compressed = false;
  std::size_t i = 0;
  if (t[0] == ':') {
    if (t[1] != ':') return false;
    compressed = true;
    i = 2;
    if (i == t.size()) return true;  // "::"
  }
  while (i < t.size()) {
    const std::size_t start = i;
    while (i < t.size() && is_hex(t[i]) && i - start < 5) ++i;
    if (i < t.size() && t[i] == '.') {  // the IPv4 tail
      if (!valid_ipv4(t.substr(start))) return false;
      groups += 2;
      i = t.size();
      break;
    }
    const std::size_t len = i - start;
    if (len == 0 || len > 4) return false;
    ++groups;
    if (i == t.size()) break;
    if (t[i] != ':') return false;
    ++i;
    if (i < t.size() && t[i] == ':') {
      if (compressed) return false;
      compressed = true;
      ++i;
      if (i == t.size()) break;
    } else if (i == t.size()) {
      return false;  // a trailing single ':'
    }
  }
  return compressed ? groups <= 7 : groups == 8;
}

bool uri_char(char ch) {
  static constexpr std::string_view allowed = "-._~:/?#[]@!$&'()*+,;=";
  return is_alpha(ch) || is_digit(ch) || allowed.find(ch) != std::string_view::npos;
}

// Characters of a URI reference, with valid %HH escapes.
bool valid_uri_chars(std::string_view t) {
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (t[i] == '%') {
      if (i + 2 >= t.size() || !is_hex(t[i + 1]) || !is_hex(t[i + 2])) return false;
      i += 2;
    } else if (!uri_char(t[i])) {
      return false;
    }
  }
  return true;
}

bool valid_uri(std::string_view t) {
  const std::size_t colon = t.find(':');
  if (colon == std::string_view::npos || colon == 0 || !is_alpha(t[0])) return false;
  for (std::size_t i = 1; i < colon; ++i) {
    if (!is_alpha(t[i]) && !is_digit(t[i]) && t[i] != '+' && t[i] != '-' && t[i] != '.')
      return false;
  }
  return valid_uri_chars(t.substr(colon + 1));
}

bool valid_email(std::string_view t) {
  const std::size_t at = t.rfind('@');
  if (at == std::string_view::npos || at == 0 || at > 64) return false;
  const std::string_view local = t.substr(0, at), domain = t.substr(at + 1);
  // The local part as a dot-atom (RFC 5322): atext runs separated by single dots.
  static constexpr std::string_view atext = "!#$%&'*+-/=?^_`{|}~";
  if (local.front() == '.' || local.back() == '.') return false;
  for (std::size_t i = 0; i < local.size(); ++i) {
    const char ch = local[i];
    if (ch == '.') {
      if (local[i - 1] == '.') return false;
    } else if (!is_alpha(ch) && !is_digit(ch) && atext.find(ch) == std::string_view::npos &&
               static_cast<unsigned char>(ch) < 0x80) {
      return false;
    }
  }
  if (domain.size() > 2 && domain.front() == '[' && domain.back() == ']') {
    const std::string_view literal = domain.substr(1, domain.size() - 2);
    return literal.starts_with("IPv6:") ? valid_ipv6(literal.substr(5)) : valid_ipv4(literal);
  }
  return valid_hostname(domain);
}

bool valid_uuid(std::string_view t) {
  if (t.size() != 36) return false;
  for (std::size_t i = 0; i < t.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? t[i] != '-' : !is_hex(t[i])) return false;
  }
  return true;
}

bool valid_json_pointer(std::string_view t) {
  if (!t.empty() && t[0] != '/') return false;
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (t[i] == '~' && (i + 1 == t.size() || (t[i + 1] != '0' && t[i + 1] != '1'))) return false;
  }
  return true;
}

bool format_holds(std::uint8_t kind, std::string_view t) {
  switch (kind) {
    case f_date:
      return valid_date(t);
    case f_time:
      return valid_time(t);
    case f_date_time: {
      const std::size_t sep = t.find_first_of("Tt");
      return sep == 10 && valid_date(t.substr(0, 10)) && valid_time(t.substr(11));
    }
    case f_email:
      return valid_email(t);
    case f_hostname:
      return valid_hostname(t);
    case f_ipv4:
      return valid_ipv4(t);
    case f_ipv6:
      return valid_ipv6(t);
    case f_uri:
      return valid_uri(t);
    case f_uri_reference:
      return valid_uri_chars(t);
    case f_uuid:
      return valid_uuid(t);
    case f_json_pointer:
      return valid_json_pointer(t);
    default:
      return true;
  }
}

const format_info* format_of(std::uint8_t kind) {
  for (const auto& f : known_formats) {
    if (f.kind == kind) return &f;
  }
  return nullptr;
}

std::string schema_error_prefix(const std::string& ptr) {
  return "schema: at " + (ptr.empty() ? std::string("(root)") : ptr) + ": ";
}

[[noreturn]] void bad_schema(const std::string& ptr, const std::string& message) {
  raise("invalid_argument", schema_error_prefix(ptr) + message);
}

std::string type_name_of(const value& v) {
  switch (v.type) {
    case vkind::null:
      return "null";
    case vkind::boolean:
      return "boolean";
    case vkind::number:
      return std::isfinite(v.number) && std::floor(v.number) == v.number ? "integer" : "number";
    case vkind::string:
      return "string";
    case vkind::array:
      return "array";
    case vkind::object:
      return "object";
  }
  return "null";
}

std::string short_dump(const value& v) {
  std::string s = detail::dump(v);
  if (s.size() > 80) {
    std::size_t cut = 77;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
    s = s.substr(0, cut) + "...";
  }
  return s;
}

std::string plural(std::size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

}  // namespace

struct json_schema::impl {
  value document;
  std::vector<node> nodes;
  json_schema_options options;
  int root = 0;
  std::vector<unchecked_format> unchecked_formats;

  // ---- compilation ----
  std::map<std::string, int> compiled;  // schema pointer -> node
  std::vector<std::pair<int, std::string>> pending_refs;

  static std::string decode_fragment(const std::string& ref, const std::string& ptr) {
    std::string out;
    for (std::size_t i = 1; i < ref.size(); ++i) {
      if (ref[i] == '%' && i + 2 < ref.size()) {
        const std::string hex = ref.substr(i + 1, 2);
        char* end = nullptr;
        const long c = std::strtol(hex.c_str(), &end, 16);
        if (end != hex.c_str() + 2)
          bad_schema(ptr, "invalid percent-encoding in $ref '" + ref + "'");
        out += static_cast<char>(c);
        i += 2;
      } else {
        out += ref[i];
      }
    }
    return out;
  }

  int resolve_ref(const std::string& ref, const std::string& ptr) {
    if (ref.empty() || ref[0] != '#') {
      bad_schema(ptr, "$ref '" + ref +
                          "' is not supported (only references within the document, "
                          "such as '#/$defs/name', '#/definitions/name' or '#')");
    }
    const std::string fragment = decode_fragment(ref, ptr);
    if (!fragment.empty() && fragment[0] != '/') {
      bad_schema(ptr, "$ref '" + ref + "' is not supported (anchors are not; use a JSON Pointer)");
    }
    const value* at = &document;
    std::string canonical;
    std::size_t i = 0;
    while (i < fragment.size()) {
      std::size_t j = fragment.find('/', i + 1);
      if (j == std::string::npos) j = fragment.size();
      std::string token;
      for (std::size_t k = i + 1; k < j; ++k) {
        if (fragment[k] == '~' && k + 1 < j && fragment[k + 1] == '0') {
          token += '~';
          ++k;
        } else if (fragment[k] == '~' && k + 1 < j && fragment[k + 1] == '1') {
          token += '/';
          ++k;
        } else {
          token += fragment[k];
        }
      }
      const value* next = nullptr;
      if (at->type == vkind::object) {
        next = at->find(token);
      } else if (at->type == vkind::array && !token.empty() &&
                 token.find_first_not_of("0123456789") == std::string::npos) {
        const std::size_t idx = std::stoul(token);
        if (idx < at->items.size()) next = &at->items[idx];
      }
      if (next == nullptr) bad_schema(ptr, "$ref '" + ref + "' points to nothing");
      at = next;
      detail::append_pointer_token(canonical, token);
      i = j;
    }
    return compile(*at, canonical);
  }

  double number_of(const value& s, const char* key, const std::string& ptr) {
    const value* v = s.find(key);
    if (v->type != vkind::number) bad_schema(ptr + "/" + key, "expected a number");
    return v->number;
  }

  std::size_t count_of(const value& s, const char* key, const std::string& ptr) {
    const value* v = s.find(key);
    if (v->type != vkind::number || v->number < 0 || std::floor(v->number) != v->number) {
      bad_schema(ptr + "/" + key, "expected a non-negative integer");
    }
    return static_cast<std::size_t>(v->number);
  }

  std::vector<int> schema_list(const value& s, const char* key, const std::string& ptr) {
    const value* v = s.find(key);
    const std::string here = ptr + "/" + key;
    if (v->type != vkind::array || v->items.empty())
      bad_schema(here, "expected a non-empty array of schemas");
    std::vector<int> out;
    for (std::size_t i = 0; i < v->items.size(); ++i) {
      out.push_back(compile(v->items[i], here + "/" + std::to_string(i)));
    }
    return out;
  }

  static std::uint8_t type_bit_of(const std::string& name, const std::string& ptr) {
    if (name == "null") return t_null;
    if (name == "boolean") return t_boolean;
    if (name == "integer") return t_integer;
    if (name == "number") return t_number;
    if (name == "string") return t_string;
    if (name == "array") return t_array;
    if (name == "object") return t_object;
    bad_schema(ptr, "unknown type '" + name + "'");
  }

  // The node of the schema `s` at `ptr`: allocated now, filled later by drain(). Compilation
  // never recurses on the schema's nesting (subschemas wait in `queued`).
  struct queued_schema {
    int index;
    const value* schema;
    std::string ptr;
  };
  std::vector<queued_schema> queued;

  int compile(const value& s, const std::string& ptr) {
    if (const auto it = compiled.find(ptr); it != compiled.end()) return it->second;
    const int index = static_cast<int>(nodes.size());
    nodes.emplace_back();
    compiled.emplace(ptr, index);
    queued.push_back({index, &s, ptr});
    return index;
  }

  void drain() {
    while (!queued.empty()) {
      queued_schema q = std::move(queued.back());
      queued.pop_back();
      fill(q.index, *q.schema, q.ptr);
    }
  }

  void fill(int index, const value& s, const std::string& ptr) {
    node n;
    if (s.type == vkind::boolean) {
      n.boolean = s.boolean ? 1 : 0;
      nodes[static_cast<std::size_t>(index)] = std::move(n);
      return;
    }
    if (s.type != vkind::object) bad_schema(ptr, "a schema must be an object or a boolean");
    for (const auto& m : s.members) {
      const std::string& k = m.key;
      const value& v = m.val;
      const std::string here = ptr + "/" + escape_json_pointer_token(k);
      if (k == "type") {
        std::vector<std::string> names;
        if (v.type == vkind::string) {
          names.push_back(v.text);
        } else if (v.type == vkind::array && !v.items.empty()) {
          for (const auto& t : v.items) {
            if (t.type != vkind::string)
              bad_schema(here, "expected a string or an array of strings");
            names.push_back(t.text);
          }
        } else {
          bad_schema(here, "expected a string or an array of strings");
        }
        for (std::size_t i = 0; i < names.size(); ++i) {
          n.types |= type_bit_of(names[i], here);
          if (i > 0) n.type_text += i + 1 == names.size() ? " or " : ", ";
          n.type_text += names[i];
        }
      } else if (k == "properties") {
        if (v.type != vkind::object) bad_schema(here, "expected an object of schemas");
        for (const auto& p : v.members) {
          n.properties.emplace_back(p.key,
                                    compile(p.val, here + "/" + escape_json_pointer_token(p.key)));
        }
      } else if (k == "required") {
        if (v.type != vkind::array) bad_schema(here, "expected an array of strings");
        for (const auto& r : v.items) {
          if (r.type != vkind::string) bad_schema(here, "expected an array of strings");
          if (std::find(n.required.begin(), n.required.end(), r.text) == n.required.end())
            n.required.push_back(r.text);
        }
      } else if (k == "additionalProperties") {
        n.additional = compile(v, here);
      } else if (k == "items") {
        if (v.type == vkind::array) {  // draft 2019-09 tuple form
          for (std::size_t i = 0; i < v.items.size(); ++i)
            n.prefix_items.push_back(compile(v.items[i], here + "/" + std::to_string(i)));
        } else {
          n.items = compile(v, here);
        }
      } else if (k == "prefixItems") {
        n.prefix_items = schema_list(s, "prefixItems", ptr);
      } else if (k == "const") {
        n.has_const = true;
        n.const_value = v;
      } else if (k == "enum") {
        if (v.type != vkind::array) bad_schema(here, "expected an array");
        n.has_enum = true;
        n.enum_values = v.items;
      } else if (k == "minimum") {
        n.minimum = number_of(s, "minimum", ptr);
      } else if (k == "maximum") {
        n.maximum = number_of(s, "maximum", ptr);
      } else if (k == "exclusiveMinimum") {
        n.exclusive_minimum = number_of(s, "exclusiveMinimum", ptr);
      } else if (k == "exclusiveMaximum") {
        n.exclusive_maximum = number_of(s, "exclusiveMaximum", ptr);
      } else if (k == "multipleOf") {
        n.multiple_of = number_of(s, "multipleOf", ptr);
        if (!(*n.multiple_of > 0)) bad_schema(here, "expected a number greater than 0");
      } else if (k == "minLength") {
        n.min_length = count_of(s, "minLength", ptr);
      } else if (k == "maxLength") {
        n.max_length = count_of(s, "maxLength", ptr);
      } else if (k == "minItems") {
        n.min_items = count_of(s, "minItems", ptr);
      } else if (k == "maxItems") {
        n.max_items = count_of(s, "maxItems", ptr);
      } else if (k == "minProperties") {
        n.min_properties = count_of(s, "minProperties", ptr);
      } else if (k == "maxProperties") {
        n.max_properties = count_of(s, "maxProperties", ptr);
      } else if (k == "uniqueItems") {
        if (v.type != vkind::boolean) bad_schema(here, "expected a boolean");
        n.unique_items = v.boolean;
      } else if (k == "pattern") {
        if (v.type != vkind::string) bad_schema(here, "expected a string");
        UErrorCode status = U_ZERO_ERROR;
        UParseError pe;
        std::shared_ptr<icu::RegexPattern> p(
            icu::RegexPattern::compile(icu::UnicodeString::fromUTF8(v.text), 0, pe, status));
        if (U_FAILURE(status) || !p) {
          bad_schema(here,
                     "invalid regular expression '" + v.text + "' (" + u_errorName(status) + ")");
        }
        n.pattern = std::move(p);
        n.pattern_text = v.text;
      } else if (k == "allOf") {
        n.all_of = schema_list(s, "allOf", ptr);
      } else if (k == "anyOf") {
        n.any_of = schema_list(s, "anyOf", ptr);
      } else if (k == "oneOf") {
        n.one_of = schema_list(s, "oneOf", ptr);
      } else if (k == "not") {
        n.not_schema = compile(v, here);
      } else if (k == "format") {
        if (v.type != vkind::string) bad_schema(here, "expected a string");
        const format_info* known = nullptr;
        for (const auto& f : known_formats) {
          if (v.text == f.name) known = &f;
        }
        if (known != nullptr && options.check_formats) {
          n.format = known->kind;
        } else {
          unchecked_formats.push_back({ptr, v.text});
        }
      } else if (k == "$ref") {
        if (v.type != vkind::string) bad_schema(here, "expected a string");
        n.ref_text = v.text;
        pending_refs.emplace_back(index, here);
      }
      // Anything else ($schema, $id, title, description, default, examples, $defs,
      // definitions, and keywords outside the subset) is ignored here; $defs and definitions are
      // compiled when a $ref reaches them.
    }
    nodes[static_cast<std::size_t>(index)] = std::move(n);
  }

  void compile_all() {
    root = compile(document, "");
    drain();
    while (!pending_refs.empty()) {
      const auto [index, here] = pending_refs.back();
      pending_refs.pop_back();
      const std::string ref = nodes[static_cast<std::size_t>(index)].ref_text;
      const int target = resolve_ref(ref, here);
      nodes[static_cast<std::size_t>(index)].ref = target;
      drain();
    }
    compiled.clear();
    std::sort(unchecked_formats.begin(), unchecked_formats.end(),
              [](const auto& a, const auto& b) { return a.pointer < b.pointer; });
  }

  // ---- evaluation ----
  struct context {
    std::vector<schema_violation>* out;  // a probe's: its first violation only (max 1)
    std::size_t* count;
    std::size_t max;
    std::string pointer;
  };

  template <class Message>
  static void emit(context& c, const char* keyword, Message&& message) {
    ++*c.count;
    if (c.out != nullptr && c.out->size() < c.max) {
      c.out->push_back({c.pointer, keyword, message()});
    }
  }

  template <class Message>
  static void emit_at(context& c, std::string_view token, const char* keyword, Message&& message) {
    const std::size_t len = c.pointer.size();
    detail::append_pointer_token(c.pointer, token);
    emit(c, keyword, message);
    c.pointer.resize(len);
  }

  static bool matches(const icu::RegexPattern& pattern, const std::string& s, bool& failed) {
    UErrorCode status = U_ZERO_ERROR;
    UText* text = utext_openUTF8(nullptr, s.data(), static_cast<int64_t>(s.size()), &status);
    std::unique_ptr<icu::RegexMatcher> m(pattern.matcher(status));
    bool found = false;
    if (U_SUCCESS(status) && m) {
      m->setTimeLimit(pattern_time_limit, status);
      m->reset(text);
      found = m->find(status) != 0;
    }
    utext_close(text);
    failed = U_FAILURE(status);
    return found;
  }

  // The checks of `s` on `v` itself, before any subschema, in the order violations are listed:
  // type, const, enum, number, string, array and object keywords, missing required properties.
  void own_checks(const node& s, const value& v, context& c, std::size_t& own_fail,
                  std::size_t& parts) const {
    if (s.types != 0) {
      bool ok = false;
      switch (v.type) {
        case vkind::null:
          ok = s.types & t_null;
          break;
        case vkind::boolean:
          ok = s.types & t_boolean;
          break;
        case vkind::number:
          ok = (s.types & t_number) || ((s.types & t_integer) && std::isfinite(v.number) &&
                                        std::floor(v.number) == v.number);
          break;
        case vkind::string:
          ok = s.types & t_string;
          break;
        case vkind::array:
          ok = s.types & t_array;
          break;
        case vkind::object:
          ok = s.types & t_object;
          break;
      }
      if (!ok) {
        ++own_fail;
        emit(c, "type", [&] { return "expected " + s.type_text + ", got " + type_name_of(v); });
      }
    }
    if (s.has_const && !detail::equal(v, s.const_value)) {
      ++own_fail;
      emit(c, "const",
           [&] { return "expected " + short_dump(s.const_value) + ", got " + short_dump(v); });
    }
    if (s.has_enum) {
      bool ok = false;
      for (const auto& e : s.enum_values)
        if (detail::equal(v, e)) ok = true;
      if (!ok) {
        ++own_fail;
        emit(c, "enum", [&] {
          std::string all;
          for (std::size_t i = 0; i < s.enum_values.size(); ++i) {
            if (i) all += ", ";
            detail::dump(s.enum_values[i], all);
          }
          if (all.size() > 200) all = all.substr(0, 197) + "...";
          return short_dump(v) + " is not one of [" + all + "]";
        });
      }
    }
    if (v.type == vkind::number) {
      const double x = v.number;
      const auto num = [](double d) { return detail::number_text(d); };
      if (s.minimum && x < *s.minimum) {
        ++own_fail;
        emit(c, "minimum",
             [&] { return num(x) + " is less than the minimum of " + num(*s.minimum); });
      }
      if (s.maximum && x > *s.maximum) {
        ++own_fail;
        emit(c, "maximum",
             [&] { return num(x) + " is greater than the maximum of " + num(*s.maximum); });
      }
      if (s.exclusive_minimum && x <= *s.exclusive_minimum) {
        ++own_fail;
        emit(c, "exclusiveMinimum", [&] {
          return num(x) + " is not greater than the exclusive minimum of " +
                 num(*s.exclusive_minimum);
        });
      }
      if (s.exclusive_maximum && x >= *s.exclusive_maximum) {
        ++own_fail;
        emit(c, "exclusiveMaximum", [&] {
          return num(x) + " is not less than the exclusive maximum of " + num(*s.exclusive_maximum);
        });
      }
      if (s.multiple_of) {
        const double q = x / *s.multiple_of;
        if (!std::isfinite(q) ||
            std::fabs(q - std::nearbyint(q)) > 1e-9 * std::max(1.0, std::fabs(q))) {
          ++own_fail;
          emit(c, "multipleOf",
               [&] { return num(x) + " is not a multiple of " + num(*s.multiple_of); });
        }
      }
    } else if (v.type == vkind::string) {
      if (s.min_length || s.max_length) {
        const std::size_t len = detail::code_points(v.text);
        if (s.min_length && len < *s.min_length) {
          ++own_fail;
          emit(c, "minLength", [&] {
            return "expected at least " + plural(*s.min_length, "character", "characters") +
                   ", got " + std::to_string(len);
          });
        }
        if (s.max_length && len > *s.max_length) {
          ++own_fail;
          emit(c, "maxLength", [&] {
            return "expected at most " + plural(*s.max_length, "character", "characters") +
                   ", got " + std::to_string(len);
          });
        }
      }
      if (s.pattern) {
        bool failed = false;
        const bool found = matches(*s.pattern, v.text, failed);
        if (failed) {
          ++own_fail;
          emit(c, "pattern", [&] {
            return "pattern '" + s.pattern_text + "' could not be evaluated (ICU limit reached)";
          });
        } else if (!found) {
          ++own_fail;
          emit(c, "pattern", [&] { return "does not match pattern '" + s.pattern_text + "'"; });
        }
      }
      if (s.format != f_none && !format_holds(s.format, v.text)) {
        ++own_fail;
        emit(c, "format", [&] {
          const format_info* f = format_of(s.format);
          return "is not a valid " + std::string(f->name) + " (expected " + f->expected + ")";
        });
      }
    } else if (v.type == vkind::array) {
      const std::size_t n = v.items.size();
      if (s.min_items && n < *s.min_items) {
        ++own_fail;
        emit(c, "minItems", [&] {
          return "expected at least " + plural(*s.min_items, "item", "items") + ", got " +
                 std::to_string(n);
        });
      }
      if (s.max_items && n > *s.max_items) {
        ++own_fail;
        emit(c, "maxItems", [&] {
          return "expected at most " + plural(*s.max_items, "item", "items") + ", got " +
                 std::to_string(n);
        });
      }
      if (s.unique_items) {
        for (std::size_t i = 0; i < n; ++i) {
          bool dup = false;
          for (std::size_t j = i + 1; j < n && !dup; ++j) {
            if (detail::equal(v.items[i], v.items[j])) {
              dup = true;
              ++own_fail;
              emit(c, "uniqueItems", [&] {
                return "items " + std::to_string(i) + " and " + std::to_string(j) + " are equal";
              });
            }
          }
          if (dup) break;
        }
      }
    } else if (v.type == vkind::object) {
      const std::size_t n = v.members.size();
      if (s.min_properties && n < *s.min_properties) {
        ++own_fail;
        emit(c, "minProperties", [&] {
          return "expected at least " + plural(*s.min_properties, "property", "properties") +
                 ", got " + std::to_string(n);
        });
      }
      if (s.max_properties && n > *s.max_properties) {
        ++own_fail;
        emit(c, "maxProperties", [&] {
          return "expected at most " + plural(*s.max_properties, "property", "properties") +
                 ", got " + std::to_string(n);
        });
      }
      for (const auto& name : s.required) {
        if (v.find(name) == nullptr) {
          ++parts;
          emit_at(c, name, "required",
                  [&] { return "required property '" + name + "' is missing"; });
        }
      }
    }
  }

  // One schema applied to one value, as a frame of the explicit evaluation stack. A frame that
  // needs a subschema's credit pushes a child frame and resumes, at `at`, when the child's
  // credit comes back; nothing recurses, whatever the depth of the document or of $ref chains.
  // Reading `f` after a push is a bug: every push is the last thing a step does.
  enum class step : std::uint8_t { start, items, members, ref, all_of, any_of, one_of, negation };
  struct frame {
    int index;
    const value* v;
    context* c;
    std::size_t depth;
    step at = step::start;
    std::size_t i = 0;
    std::size_t own_fail = 0, parts = 0, matched = 0;
    double part_sum = 0, applied = 1.0, best = 0;
    std::size_t resume_len = 0;    // c->pointer length to restore when the child returns
    bool member_required = false;  // members: the member awaiting its credit is required
    bool probing = false;          // the child evaluates an anyOf/oneOf/not branch
    // anyOf/oneOf: the branch with the best credit so far (the first of equals) and its first
    // violation, named when no branch matches.
    std::size_t closest = 0;
    std::size_t closest_rank = 0;
    std::optional<schema_violation> closest_reason{};
  };
  // The context of an anyOf/oneOf/not branch: violations are counted, and the first is kept.
  struct probe_context {
    std::size_t count = 0;
    std::vector<schema_violation> first;
    context c{nullptr, nullptr, 1, {}};
  };

  // "; closest is branch 1 (credit 0.50): at /a, type: expected string, got integer"
  static std::string closest_text(const frame& f) {
    std::string text = "; closest is branch " + std::to_string(f.closest);
    char credit[32];
    std::snprintf(credit, sizeof credit, " (credit %.2f)", f.best);
    text += credit;
    if (f.closest_reason) {  // its pointer is relative to the value the branch was tried on
      const auto& r = *f.closest_reason;
      text += ": ";
      if (!r.pointer.empty()) text += "at " + r.pointer + ", ";
      text += r.keyword + ": " + r.message;
    }
    return text;
  }

  static void member_credit(frame& f, double credit) {
    if (f.member_required) {
      ++f.parts;
      f.part_sum += credit;
    } else if (credit < 1.0) {
      ++f.own_fail;
    }
  }

  double evaluate(int root_index, const value& root_value, context& root_context) const {
    std::vector<frame> frames;  // a frame is not used after a push (which may move frames)
    frames.reserve(64);
    std::deque<probe_context> probes;  // children keep pointers to these: a deque never moves them
    frames.push_back({root_index, &root_value, &root_context, 0});
    double returned = 0.0;
    bool has_returned = false;
    for (;;) {
      frame& f = frames.back();
      const node& s = nodes[static_cast<std::size_t>(f.index)];
      const value& v = *f.v;
      context& c = *f.c;
      if (has_returned) {  // a child's credit
        has_returned = false;
        c.pointer.resize(f.resume_len);
        if (f.probing) {
          const bool branch = f.at == step::any_of || f.at == step::one_of;
          if (branch) {
            // Closest: the best credit; among equals, a branch whose type fits, then the one
            // with the fewest violations, then the first.
            const probe_context& p = probes.back();
            const bool type_fits = p.first.empty() || p.first.front().keyword != "type";
            const std::size_t rank =
                (type_fits ? std::size_t{1} << 40 : 0) +
                ((std::size_t{1} << 40) - 1 - std::min(p.count, (std::size_t{1} << 40) - 1));
            if (f.i == 1 || returned > f.best || (returned == f.best && rank > f.closest_rank)) {
              f.closest = f.i - 1;
              f.closest_rank = rank;
              f.closest_reason.reset();
              if (!p.first.empty()) f.closest_reason = p.first.front();
            }
          }
          probes.pop_back();
          f.probing = false;
        }
        switch (f.at) {
          case step::items:
            f.part_sum += returned;
            break;
          case step::members:
            member_credit(f, returned);
            break;
          case step::ref:
          case step::all_of:
            f.applied = std::min(f.applied, returned);
            break;
          case step::any_of:
            f.best = std::max(f.best, returned);
            break;
          case step::one_of:
            if (returned == 1.0) ++f.matched;
            f.best = std::max(f.best, returned);
            break;
          case step::negation:
            if (returned == 1.0) {
              ++f.own_fail;
              emit(c, "not", [] { return std::string("must not match the schema in 'not'"); });
            }
            break;
          case step::start:
            break;
        }
      }
      // Pushes a child frame; `token` (when given) is appended to the pointer meanwhile.
      const auto call = [&](int sub, const value& x, context& in, const std::string* token) {
        f.resume_len = c.pointer.size();
        if (token != nullptr) detail::append_pointer_token(c.pointer, *token);
        frames.push_back({sub, &x, &in, f.depth + 1});
      };
      const auto probe = [&](int sub) {
        probe_context& p = probes.emplace_back();
        p.c.count = &p.count;
        p.c.out = &p.first;
        f.probing = true;
        call(sub, v, p.c, nullptr);
      };
      bool pushed = false;
      bool finished = false;
      double result = 0.0;
      while (!pushed && !finished) {
        switch (f.at) {
          case step::start:
            if (s.boolean == 1) {
              result = 1.0;
              finished = true;
              break;
            }
            if (s.boolean == 0) {
              emit(c, "false",
                   [] { return std::string("no value is allowed here (schema false)"); });
              finished = true;
              break;
            }
            if (f.depth >= max_eval_depth) {
              emit(c, "$ref", [] {
                return "schema evaluation deeper than " + std::to_string(max_eval_depth) +
                       " levels";
              });
              finished = true;
              break;
            }
            own_checks(s, v, c, f.own_fail, f.parts);
            f.at = v.type == vkind::array    ? step::items
                   : v.type == vkind::object ? step::members
                                             : step::ref;
            f.i = 0;
            if (f.at == step::ref && s.ref < 0 && s.all_of.empty() && s.any_of.empty() &&
                s.one_of.empty() && s.not_schema < 0) {
              // A scalar under a schema without applicators (most leaves): done.
              result = f.own_fail > 0 ? 0.0 : 1.0;
              finished = true;
            }
            break;
          case step::items:
            if (!s.prefix_items.empty() || s.items >= 0) {
              while (f.i < v.items.size()) {
                const std::size_t k = f.i++;
                const int sub = k < s.prefix_items.size() ? s.prefix_items[k] : s.items;
                if (sub < 0) continue;
                ++f.parts;
                const std::string token = std::to_string(k);
                call(sub, v.items[k], c, &token);
                pushed = true;
                break;
              }
            }
            if (!pushed) {
              f.at = step::ref;
              f.i = 0;
            }
            break;
          case step::members:
            while (f.i < v.members.size()) {
              const auto& m = v.members[f.i++];
              int sub = -1;
              for (const auto& [pname, pindex] : s.properties) {
                if (pname == m.key) {
                  sub = pindex;
                  break;
                }
              }
              f.member_required =
                  std::find(s.required.begin(), s.required.end(), m.key) != s.required.end();
              if (sub >= 0) {
                call(sub, m.val, c, &m.key);
                pushed = true;
                break;
              }
              if (s.additional >= 0) {
                const node& a = nodes[static_cast<std::size_t>(s.additional)];
                if (a.boolean == 0) {
                  emit_at(c, m.key, "additionalProperties",
                          [&] { return "additional property '" + m.key + "' is not allowed"; });
                  member_credit(f, 0.0);
                  continue;
                }
                call(s.additional, m.val, c, &m.key);
                pushed = true;
                break;
              }
              member_credit(f, 1.0);
            }
            if (!pushed) {
              f.at = step::ref;
              f.i = 0;
            }
            break;
          case step::ref:
            if (s.ref >= 0 && f.i == 0) {
              f.i = 1;
              call(s.ref, v, c, nullptr);
              pushed = true;
            } else {
              f.at = step::all_of;
              f.i = 0;
            }
            break;
          case step::all_of:
            if (f.i < s.all_of.size()) {
              call(s.all_of[f.i++], v, c, nullptr);
              pushed = true;
            } else {
              f.at = step::any_of;
              f.i = 0;
              f.best = 0;
            }
            break;
          case step::any_of:
            if (!s.any_of.empty() && f.i < s.any_of.size() && f.best < 1.0) {
              probe(s.any_of[f.i++]);
              pushed = true;
              break;
            }
            if (!s.any_of.empty() && f.best < 1.0) {
              emit(c, "anyOf", [&] {
                return "does not match any of the " + std::to_string(s.any_of.size()) +
                       " schemas in anyOf" + closest_text(f);
              });
              f.applied = std::min(f.applied, f.best);
            }
            f.at = step::one_of;
            f.i = 0;
            f.best = 0;
            f.matched = 0;
            break;
          case step::one_of:
            if (f.i < s.one_of.size()) {
              probe(s.one_of[f.i++]);
              pushed = true;
              break;
            }
            if (!s.one_of.empty()) {
              if (f.matched == 0) {
                emit(c, "oneOf", [&] {
                  return "does not match any of the " + std::to_string(s.one_of.size()) +
                         " schemas in oneOf" + closest_text(f);
                });
                f.applied = std::min(f.applied, f.best);
              } else if (f.matched > 1) {
                emit(c, "oneOf", [&] {
                  return "matches " + std::to_string(f.matched) +
                         " schemas in oneOf, expected exactly 1";
                });
                f.applied = 0.0;
              }
            }
            f.at = step::negation;
            f.i = 0;
            break;
          case step::negation:
            if (s.not_schema >= 0 && f.i == 0) {
              f.i = 1;
              probe(s.not_schema);
              pushed = true;
              break;
            }
            {
              double own = 1.0;
              if (f.parts > 0) {
                own = f.part_sum / static_cast<double>(f.parts + (f.own_fail > 0 ? 1 : 0));
              } else if (f.own_fail > 0) {
                own = 0.0;
              }
              result = std::min(own, f.applied);
            }
            finished = true;
            break;
        }
      }
      if (pushed) continue;
      frames.pop_back();
      if (frames.empty()) return result;
      returned = result;
      has_returned = true;
    }
  }

  schema_result run(json_output parsed, const value& v) const {
    schema_result r;
    r.parse = std::move(parsed);
    if (!r.parse.ok()) {
      r.valid = false;
      r.score = 0.0;
      r.violations.push_back({"", "parse", r.parse.message});
      return r;
    }
    std::size_t count = 0;
    context c{&r.violations, &count, options.max_violations, {}};
    r.score = evaluate(root, v, c);
    r.valid = count == 0;
    if (!r.valid && r.score >= 1.0) r.score = 0.0;  // cannot happen; keeps the invariant visible
    return r;
  }
};

json_schema::json_schema(std::string_view schema_json, const json_schema_options& options) {
  if (options.max_depth < 1 || options.max_depth > json_max_depth_limit) {
    raise("invalid_argument", "json_schema_options.max_depth must be in 1.." +
                                  std::to_string(json_max_depth_limit) + ", got " +
                                  std::to_string(options.max_depth));
  }
  auto p = std::make_shared<impl>();
  p->options = options;
  // Compilation recurses with ~1 KB frames: schemas nested deeper than 1000 are refused.
  p->document = detail::parse_strict(schema_json, "schema", max_schema_depth);
  p->compile_all();
  impl_ = std::move(p);
}

const std::vector<unchecked_format>& json_schema::unchecked_formats() const {
  return impl_->unchecked_formats;
}

schema_result json_schema::validate(std::string_view json_text) const {
  json_output_options o;
  o.max_depth = impl_->options.max_depth;
  o.strip_code_fences = false;
  o.strip_prose = false;
  o.allow_trailing_commas = false;
  detail::value v;
  json_output parsed = detail::extract(json_text, o, v);
  return impl_->run(std::move(parsed), v);
}

schema_result json_schema::validate_output(std::string_view llm_output) const {
  json_output_options o;
  o.max_depth = impl_->options.max_depth;
  return validate_output(llm_output, o);
}

schema_result json_schema::validate_output(std::string_view llm_output,
                                           const json_output_options& parse_options) const {
  detail::value v;
  json_output parsed = detail::extract(llm_output, parse_options, v);
  return impl_->run(std::move(parsed), v);
}

std::vector<schema_result> json_schema::validate_batch(const std::vector<std::string>& texts,
                                                       bool tolerant, unsigned threads) const {
  std::vector<schema_result> out(texts.size());
  precis::detail::parallel_for(texts.size(), threads, [&](std::size_t i) {
    out[i] = tolerant ? validate_output(texts[i]) : validate(texts[i]);
  });
  return out;
}

}  // namespace precis::structured
