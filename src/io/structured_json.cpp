// Strict JSON parser with byte offsets, depth limit and truncation detection; dump; equality.
// Nothing here recurses on the input's nesting: the parser keeps its open containers in a vector,
// and dump, equal, copy and destruction walk explicit stacks, so a document 10,000 levels deep
// is handled on a thread with a 256 KB stack (tests/test_json_depth.cpp).
#include "structured_json.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <memory>
#include <unordered_set>

#include "precis/error.hpp"
#include "precis/text/utf8.hpp"

namespace precis::structured::detail {
namespace {

struct parse_failure {
  json_error_kind kind;
  std::size_t offset;
  std::string message;
};

std::string describe_char(std::string_view s, std::size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c >= 0x20 && c < 0x7F) {
    std::string out(3, '\'');
    out[1] = static_cast<char>(c);
    return out;
  }
  if (c < 0x80) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(c));
    return buf;
  }
  std::size_t bad = 0;
  const std::size_t len = precis::text::detail::utf8_sequence_length(s, i, &bad);
  std::string out(1, '\'');
  out.append(s.substr(i, len == 0 ? 1 : len));
  out.push_back('\'');
  return out;
}

class parser {
 public:
  parser(std::string_view s, std::size_t end, std::size_t max_depth, bool commas,
         std::vector<std::size_t>& trailing)
      : s_(s), end_(end), max_depth_(max_depth), commas_(commas), trailing_(trailing) {}

  std::size_t pos = 0;

  void skip_ws() {
    while (pos < end_) {
      const char c = s_[pos];
      if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
        ++pos;
      } else {
        break;
      }
    }
  }

  // One value into `root`. Open arrays and objects live in `stack` (on the heap); a container's
  // children are appended only while it is on top, so the pointers in `stack` stay valid.
  void parse(value& root) {
    struct open_container {
      value* v;
      std::size_t start;
      std::unique_ptr<std::unordered_set<std::string>> seen;  // keys, once past 16 members
    };
    std::vector<open_container> stack;
    value* target = &root;
    for (;;) {
      // Parse one value into *target; containers are opened and continue in the loop below.
      skip_ws();
      if (pos >= end_) truncated("expected a value");
      const char c = s_[pos];
      bool opened = false;
      switch (c) {
        case '{':
        case '[': {
          check_depth(stack.size() + 1);
          const std::size_t start = pos;
          ++pos;
          target->type = c == '{' ? value::kind::object : value::kind::array;
          skip_ws();
          if (pos >= end_) truncated(unclosed(c == '{', start));
          if (s_[pos] == (c == '{' ? '}' : ']')) {
            ++pos;
            break;
          }
          stack.push_back({target, start, {}});
          opened = true;
          break;
        }
        case '"':
          target->type = value::kind::string;
          parse_string(target->text);
          break;
        case 't':
          literal("true", *target, value::kind::boolean, true);
          break;
        case 'f':
          literal("false", *target, value::kind::boolean, false);
          break;
        case 'n':
          literal("null", *target, value::kind::null, false);
          break;
        default:
          if (c == '-' || (c >= '0' && c <= '9')) {
            parse_number(*target);
            break;
          }
          unexpected("expected a value");
      }
      if (opened) {
        open_container& top = stack.back();
        target = top.v->type == value::kind::object ? next_member(*top.v, top.start, top.seen)
                                                    : next_item(*top.v);
        continue;
      }
      // A value is complete: close containers until one expects another element.
      for (;;) {
        if (stack.empty()) return;
        open_container& top = stack.back();
        const bool object = top.v->type == value::kind::object;
        const char close = object ? '}' : ']';
        skip_ws();
        if (pos >= end_) truncated(unclosed(object, top.start));
        if (s_[pos] == ',') {
          const std::size_t comma = pos++;
          if (trailing_comma(comma, close)) {
            ++pos;
            stack.pop_back();
            continue;
          }
          target = object ? next_member(*top.v, top.start, top.seen) : next_item(*top.v);
          break;
        }
        if (s_[pos] == close) {
          ++pos;
          stack.pop_back();
          continue;
        }
        unexpected(object ? "expected ',' or '}'" : "expected ',' or ']'");
      }
    }
  }

 private:
  [[noreturn]] void truncated(const std::string& what) {
    throw parse_failure{json_error_kind::truncated, end_,
                        "truncated JSON at byte " + std::to_string(end_) + ": " + what};
  }
  [[noreturn]] void unexpected(const std::string& expected) {
    std::string hint;
    const char c = s_[pos];
    if (c == '\'') hint = " (single quotes are not JSON)";
    if (c == '/') hint = " (comments are not JSON)";
    throw parse_failure{json_error_kind::syntax, pos,
                        "unexpected " + describe_char(s_, pos) + " at byte " + std::to_string(pos) +
                            " (" + expected + ")" + hint};
  }
  [[noreturn]] void fail(std::size_t at, const std::string& message) {
    throw parse_failure{json_error_kind::syntax, at, message + " at byte " + std::to_string(at)};
  }

  void check_depth(std::size_t depth) {
    if (depth > max_depth_) {
      throw parse_failure{
          json_error_kind::too_deep, pos,
          "nesting deeper than " + std::to_string(max_depth_) + " at byte " + std::to_string(pos)};
    }
  }

  void literal(std::string_view word, value& out, value::kind k, bool b) {
    for (std::size_t i = 0; i < word.size(); ++i) {
      if (pos + i >= end_) truncated("incomplete literal '" + std::string(word) + "'");
      if (s_[pos + i] != word[i]) {
        pos += i;
        unexpected("expected '" + std::string(word) + "'");
      }
    }
    pos += word.size();
    out.type = k;
    out.boolean = b;
  }

  void parse_number(value& out) {
    const std::size_t start = pos;
    bool integer = true;
    if (s_[pos] == '-') ++pos;
    if (pos >= end_) truncated("incomplete number");
    if (s_[pos] == '0') {
      ++pos;
    } else if (s_[pos] >= '1' && s_[pos] <= '9') {
      while (pos < end_ && s_[pos] >= '0' && s_[pos] <= '9') ++pos;
    } else {
      unexpected("expected a digit");
    }
    if (pos < end_ && s_[pos] == '.') {
      integer = false;
      ++pos;
      if (pos >= end_) truncated("incomplete number");
      if (s_[pos] < '0' || s_[pos] > '9') unexpected("expected a digit");
      while (pos < end_ && s_[pos] >= '0' && s_[pos] <= '9') ++pos;
    }
    if (pos < end_ && (s_[pos] == 'e' || s_[pos] == 'E')) {
      integer = false;
      ++pos;
      if (pos < end_ && (s_[pos] == '+' || s_[pos] == '-')) ++pos;
      if (pos >= end_) truncated("incomplete number");
      if (s_[pos] < '0' || s_[pos] > '9') unexpected("expected a digit");
      while (pos < end_ && s_[pos] >= '0' && s_[pos] <= '9') ++pos;
    }
    double d = 0;
    const auto r = std::from_chars(s_.data() + start, s_.data() + pos, d);
    if (r.ec == std::errc::result_out_of_range) {
      // Underflow to 0 is harmless; overflow is not representable.
      double probe = 0;
      std::sscanf(std::string(s_.substr(start, pos - start)).c_str(), "%lf", &probe);
      if (std::isinf(probe)) fail(start, "number out of range");
      d = probe;
    }
    out.type = value::kind::number;
    out.number = d;
    out.integer_literal = integer;
  }

  static void put_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  std::uint32_t hex4(std::size_t start) {
    std::uint32_t v = 0;
    for (std::size_t k = 0; k < 4; ++k) {
      if (pos >= end_) truncated("unterminated string starting at byte " + std::to_string(start));
      const char c = s_[pos];
      std::uint32_t d;
      if (c >= '0' && c <= '9') {
        d = static_cast<std::uint32_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        d = static_cast<std::uint32_t>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        d = static_cast<std::uint32_t>(c - 'A' + 10);
      } else {
        unexpected("expected a hex digit");
      }
      v = v * 16 + d;
      ++pos;
    }
    return v;
  }

  void parse_string(std::string& out) {
    const std::size_t start = pos;
    ++pos;  // opening quote
    out.clear();
    for (;;) {
      // Copy the plain run in one go.
      std::size_t run = pos;
      while (run < end_) {
        const auto c = static_cast<unsigned char>(s_[run]);
        if (c == '"' || c == '\\' || c < 0x20) break;
        ++run;
      }
      out.append(s_.data() + pos, run - pos);
      pos = run;
      if (pos >= end_) truncated("unterminated string starting at byte " + std::to_string(start));
      const char c = s_[pos];
      if (c == '"') {
        ++pos;
        return;
      }
      if (c != '\\')
        fail(pos, "unescaped control character " + describe_char(s_, pos) + " in string");
      ++pos;
      if (pos >= end_) truncated("unterminated string starting at byte " + std::to_string(start));
      const char e = s_[pos++];
      switch (e) {
        case '"':
          out += '"';
          break;
        case '\\':
          out += '\\';
          break;
        case '/':
          out += '/';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          const std::size_t at = pos - 2;
          std::uint32_t cp = hex4(start);
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (pos + 1 < end_ && s_[pos] == '\\' && s_[pos + 1] == 'u') {
              pos += 2;
              const std::uint32_t lo = hex4(start);
              if (lo < 0xDC00 || lo > 0xDFFF) fail(at, "unpaired surrogate escape");
              cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            } else if (pos + 1 >= end_) {
              truncated("unterminated string starting at byte " + std::to_string(start));
            } else {
              fail(at, "unpaired surrogate escape");
            }
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            fail(at, "unpaired surrogate escape");
          }
          put_utf8(out, cp);
          break;
        }
        default:
          pos -= 1;
          unexpected("invalid escape");
      }
    }
  }

  // After a comma: is the next token the closing bracket (a trailing comma)?
  bool trailing_comma(std::size_t comma, char close) {
    skip_ws();
    if (pos < end_ && s_[pos] == close) {
      if (!commas_) unexpected("trailing comma before '" + std::string(1, close) + "'");
      trailing_.push_back(comma);
      return true;
    }
    return false;
  }

  static std::string unclosed(bool object, std::size_t start) {
    return std::string(object ? "unclosed object" : "unclosed array") + " starting at byte " +
           std::to_string(start);
  }

  // The next element of an open array.
  static value* next_item(value& array) {
    array.items.emplace_back();
    return &array.items.back();
  }

  // The next member of an open object: its key (checked for duplicates) and ':'; returns where
  // its value goes.
  value* next_member(value& object, std::size_t start,
                     std::unique_ptr<std::unordered_set<std::string>>& seen) {
    skip_ws();
    if (pos >= end_) truncated(unclosed(true, start));
    if (s_[pos] != '"') unexpected("expected a property name in double quotes");
    const std::size_t key_at = pos;
    object.members.emplace_back();
    parse_string(object.members.back().key);
    const std::string& key = object.members.back().key;
    bool duplicate = false;
    if (object.members.size() <= 16) {
      for (std::size_t k = 0; k + 1 < object.members.size(); ++k)
        if (object.members[k].key == key) duplicate = true;
    } else {
      if (!seen) {
        seen = std::make_unique<std::unordered_set<std::string>>();
        for (std::size_t k = 0; k + 1 < object.members.size(); ++k)
          seen->insert(object.members[k].key);
      }
      duplicate = !seen->insert(key).second;
    }
    if (duplicate) fail(key_at, "duplicate key '" + key + "'");
    skip_ws();
    if (pos >= end_) truncated(unclosed(true, start));
    if (s_[pos] != ':') unexpected("expected ':'");
    ++pos;
    return &object.members.back().val;
  }

  std::string_view s_;
  std::size_t end_;
  std::size_t max_depth_;
  bool commas_;
  std::vector<std::size_t>& trailing_;
};

void dump_string(std::string_view s, std::string& out) {
  out += '"';
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (ch) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
          out += buf;
        } else {
          out += ch;
        }
    }
  }
  out += '"';
}

}  // namespace

parse_outcome parse_value(std::string_view text, std::size_t begin, std::size_t end, value& out,
                          std::size_t max_depth, bool allow_trailing_commas) {
  parse_outcome r;
  parser p(text, end, max_depth, allow_trailing_commas, r.trailing_commas);
  p.pos = begin;
  try {
    p.parse(out);
    r.ok = true;
    r.value_end = p.pos;
  } catch (const parse_failure& f) {
    r.error = f.kind;
    r.error_offset = f.offset;
    r.message = f.message;
    out = value{};
  }
  return r;
}

value parse_strict(std::string_view text, std::string_view what, std::size_t max_depth) {
  if (const auto bad = precis::text::find_invalid_utf8(text)) {
    raise("invalid_utf8", std::string(what) + ": invalid UTF-8 at byte " + std::to_string(*bad));
  }
  value v;
  const auto r = parse_value(text, 0, text.size(), v, max_depth, false);
  if (!r.ok) raise("parse_error", std::string(what) + ": " + r.message);
  std::size_t i = r.value_end;
  while (i < text.size() &&
         (text[i] == ' ' || text[i] == '\n' || text[i] == '\r' || text[i] == '\t'))
    ++i;
  if (i < text.size()) {
    raise("parse_error", std::string(what) + ": unexpected " + describe_char(text, i) +
                             " at byte " + std::to_string(i) + " (expected end of input)");
  }
  return v;
}

std::string number_text(double d) {
  if (d == 0) return "0";
  if (std::nearbyint(d) == d && std::fabs(d) < 1e16) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f", d);
    return buf;
  }
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, d);
  return std::string(buf, r.ptr);
}

void dump(const value& v, std::string& out) {
  // A stack of (container, next child index); scalars are written at once.
  struct frame {
    const value* v;
    std::size_t next;
  };
  std::vector<frame> stack;
  const value* current = &v;
  for (;;) {
    switch (current->type) {
      case value::kind::null:
        out += "null";
        break;
      case value::kind::boolean:
        out += current->boolean ? "true" : "false";
        break;
      case value::kind::number:
        out += number_text(current->number);
        break;
      case value::kind::string:
        dump_string(current->text, out);
        break;
      case value::kind::array:
        out += '[';
        stack.push_back({current, 0});
        break;
      case value::kind::object:
        out += '{';
        stack.push_back({current, 0});
        break;
    }
    current = nullptr;
    while (current == nullptr && !stack.empty()) {
      frame& top = stack.back();
      const bool object = top.v->type == value::kind::object;
      const std::size_t size = object ? top.v->members.size() : top.v->items.size();
      if (top.next == size) {
        out += object ? '}' : ']';
        stack.pop_back();
        continue;
      }
      if (top.next > 0) out += ',';
      if (object) {
        const member& m = top.v->members[top.next];
        dump_string(m.key, out);
        out += ':';
        current = &m.val;
      } else {
        current = &top.v->items[top.next];
      }
      ++top.next;
    }
    if (current == nullptr) return;
  }
}

std::string dump(const value& v) {
  std::string out;
  dump(v, out);
  return out;
}

namespace {

bool equal_scalar_or_shape(const value& a, const value& b) noexcept {
  if (a.type != b.type) return false;
  switch (a.type) {
    case value::kind::null:
      return true;
    case value::kind::boolean:
      return a.boolean == b.boolean;
    case value::kind::number:
      return a.number == b.number;
    case value::kind::string:
      return a.text == b.text;
    case value::kind::array:
      return a.items.size() == b.items.size();
    case value::kind::object:
      return a.members.size() == b.members.size();
  }
  return false;
}

}  // namespace

bool equal(const value& a, const value& b) noexcept {
  // Pairs still to compare, on the heap. An allocation failure counts as "not equal" (noexcept).
  try {
    std::vector<std::pair<const value*, const value*>> todo{{&a, &b}};
    while (!todo.empty()) {
      const auto [x, y] = todo.back();
      todo.pop_back();
      if (!equal_scalar_or_shape(*x, *y)) return false;
      if (x->type == value::kind::array) {
        for (std::size_t i = x->items.size(); i-- > 0;) {
          todo.emplace_back(&x->items[i], &y->items[i]);
        }
      } else if (x->type == value::kind::object) {
        for (std::size_t i = x->members.size(); i-- > 0;) {
          const value* o = y->find(x->members[i].key);
          if (o == nullptr) return false;
          todo.emplace_back(&x->members[i].val, o);
        }
      }
    }
    return true;
  } catch (const std::bad_alloc&) {
    return false;
  }
}

// ---- value: copy and destruction without recursion ----

void value::release_children() noexcept {
  // Post-order over the subtree with a stack of (node, next child) on the heap: a node's vectors
  // are cleared once all its children are childless, so every element destructor returns at
  // once and nothing recurses. Nodes are not moved.
  struct frame {
    value* v;
    std::size_t next;
  };
  try {
    std::vector<frame> stack;
    stack.push_back({this, 0});
    while (!stack.empty()) {
      frame& f = stack.back();
      value& v = *f.v;
      const std::size_t n_items = v.items.size();
      const std::size_t total = n_items + v.members.size();
      bool descended = false;
      while (f.next < total) {
        value& child = f.next < n_items ? v.items[f.next] : v.members[f.next - n_items].val;
        ++f.next;
        if (!child.items.empty() || !child.members.empty()) {
          stack.push_back({&child, 0});  // `f` is not used after this
          descended = true;
          break;
        }
      }
      if (descended) continue;
      v.items.clear();
      v.members.clear();
      stack.pop_back();
    }
  } catch (const std::bad_alloc&) {
    // No memory for the stack: the vectors' own (recursive) destructors free what is left.
  }
}

value::~value() {
  if (items.empty() && members.empty()) return;
  release_children();
}

value& value::operator=(value&& other) noexcept {
  if (this != &other) {
    value taken(std::move(other));  // `other` may live inside *this
    release_children();
    type = taken.type;
    boolean = taken.boolean;
    integer_literal = taken.integer_literal;
    number = taken.number;
    text = std::move(taken.text);
    items = std::move(taken.items);
    members = std::move(taken.members);
  }
  return *this;
}

namespace {

void copy_scalars(value& to, const value& from) {
  to.type = from.type;
  to.boolean = from.boolean;
  to.integer_literal = from.integer_literal;
  to.number = from.number;
  to.text = from.text;
}

}  // namespace

value::value(const value& other) {
  copy_scalars(*this, other);
  // (destination, source) pairs whose children are still to copy. Each destination vector is
  // sized once before pointers into it are taken, so they stay valid.
  std::vector<std::pair<value*, const value*>> todo{{this, &other}};
  while (!todo.empty()) {
    const auto [to, from] = todo.back();
    todo.pop_back();
    to->items.resize(from->items.size());
    for (std::size_t i = 0; i < from->items.size(); ++i) {
      copy_scalars(to->items[i], from->items[i]);
      todo.emplace_back(&to->items[i], &from->items[i]);
    }
    to->members.resize(from->members.size());
    for (std::size_t i = 0; i < from->members.size(); ++i) {
      to->members[i].key = from->members[i].key;
      copy_scalars(to->members[i].val, from->members[i].val);
      todo.emplace_back(&to->members[i].val, &from->members[i].val);
    }
  }
}

value& value::operator=(const value& other) {
  if (this != &other) *this = value(other);
  return *this;
}

void append_pointer_token(std::string& pointer, std::string_view token) {
  pointer += '/';
  for (const char c : token) {
    if (c == '~') {
      pointer += "~0";
    } else if (c == '/') {
      pointer += "~1";
    } else {
      pointer += c;
    }
  }
}

std::size_t code_points(std::string_view s) noexcept {
  std::size_t n = 0;
  for (const char c : s)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  return n;
}

}  // namespace precis::structured::detail
