// Field-by-field comparison with a gold object; see docs/structured/json_compare.md.
#include "precis/structured/json_compare.hpp"

#include <cmath>

#include "precis/text/normalize.hpp"
#include "structured_json.hpp"

namespace precis::structured {
namespace {

using detail::value;
using vkind = detail::value::kind;

struct effective {
  string_match strings;
  list_match lists;
  double tolerance;
  double relative;
  bool ignore;
};

bool is_scalar(const value& v) { return v.type != vkind::array && v.type != vkind::object; }

std::string normalized(const std::string& s) {
  const std::string n = precis::text::normalize(s, true, true);
  std::string out;
  out.reserve(n.size());
  bool space = false;
  for (const char c : n) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      space = !out.empty();
    } else {
      if (space) out += ' ';
      space = false;
      out += c;
    }
  }
  return out;
}

class comparer {
 public:
  comparer(const json_compare_options& o, json_compare_result& r) : o_(o), r_(r) {}

  // Depth-first over the gold document, in document order, without recursion: open containers
  // wait on `stack` (on the heap) with the next child to visit; `ptr` is the JSON Pointer of
  // the node being visited, cut back to each frame's length when the walk returns to it.
  void walk(const value& g, const value* out, std::string& ptr) {
    std::vector<frame> stack;
    visit(g, out, ptr, stack);
    while (!stack.empty()) {
      const frame f = stack.back();  // a copy: visit() may push
      ptr.resize(f.len);
      const bool object = f.g->type == vkind::object;
      const std::size_t size = object ? f.g->members.size() : f.g->items.size();
      if (f.next < size) {
        ++stack.back().next;
        if (object) {
          const auto& m = f.g->members[f.next];
          const bool object_out = f.out != nullptr && f.out->type == vkind::object;
          detail::append_pointer_token(ptr, m.key);
          visit(m.val, object_out ? f.out->find(m.key) : nullptr, ptr, stack);
        } else {
          const bool array_out = f.out != nullptr && f.out->type == vkind::array;
          ptr += '/';
          ptr += std::to_string(f.next);
          const value* o =
              array_out && f.next < f.out->items.size() ? &f.out->items[f.next] : nullptr;
          visit(f.g->items[f.next], o, ptr, stack);
        }
        continue;
      }
      // Every child visited: extra output fields, or a scalar where the gold has a structure.
      stack.pop_back();
      if (object) {
        const bool object_out = f.out != nullptr && f.out->type == vkind::object;
        if (object_out) {
          for (const auto& m : f.out->members) {
            if (f.g->find(m.key) == nullptr) {
              std::string x = ptr;
              detail::append_pointer_token(x, m.key);
              r_.extra.push_back(std::move(x));
            }
          }
        }
        if (f.out != nullptr && !object_out) mismatch_subtree(*f.g, *f.out, ptr);
      } else {
        const bool array_out = f.out != nullptr && f.out->type == vkind::array;
        if (array_out) {
          for (std::size_t i = f.g->items.size(); i < f.out->items.size(); ++i)
            r_.extra.push_back(ptr + "/" + std::to_string(i));
        }
        if (f.out != nullptr && !array_out) mismatch_subtree(*f.g, *f.out, ptr);
      }
    }
  }

 private:
  struct frame {
    const value* g;
    const value* out;
    std::size_t len;   // length of the pointer of `g`
    std::size_t next;  // next child to visit
  };

  // One node at `ptr`: a leaf is compared now, a structure is pushed for its children.
  void visit(const value& g, const value* out, const std::string& ptr, std::vector<frame>& stack) {
    const effective e = rule_for(ptr);
    if (e.ignore) return;
    const bool container_leaf = (g.type == vkind::object && g.members.empty()) ||
                                (g.type == vkind::array && all_scalars(g));
    if ((g.type == vkind::object || g.type == vkind::array) && !container_leaf) {
      stack.push_back({&g, out, ptr.size(), 0});
      return;
    }
    leaf(g, out, ptr, e);
  }

  static bool all_scalars(const value& a) {
    for (const auto& x : a.items)
      if (!is_scalar(x)) return false;
    return true;
  }

  effective rule_for(const std::string& ptr) const {
    effective e{o_.strings, o_.lists, o_.tolerance, o_.relative_tolerance, false};
    std::size_t best = 0;
    bool any = false;
    for (const auto& [p, rule] : o_.rules) {
      const bool applies =
          ptr.compare(0, p.size(), p) == 0 && (ptr.size() == p.size() || ptr[p.size()] == '/');
      if (!applies || (any && p.size() < best)) continue;
      any = true;
      best = p.size();
      if (rule.strings) e.strings = *rule.strings;
      if (rule.lists) e.lists = *rule.lists;
      if (rule.tolerance) e.tolerance = *rule.tolerance;
      if (rule.relative_tolerance) e.relative = *rule.relative_tolerance;
      e.ignore = rule.ignore;
    }
    return e;
  }

  // The output has a scalar where the gold has a structure: every gold field under it fails.
  void mismatch_subtree(const value& g, const value& out, std::string& ptr) {
    // Remove the "missing" entries just added for this subtree and mark them as mismatches.
    for (auto& d : r_.details) {
      if (d.method == "missing" && d.pointer.compare(0, ptr.size(), ptr) == 0 &&
          (d.pointer.size() == ptr.size() || d.pointer[ptr.size()] == '/')) {
        d.method = "type_mismatch";
        --r_.missing;
      }
    }
    (void)g;
    (void)out;
  }

  bool scalar_match(const value& g, const value& o, const effective& e) const {
    if (g.type != o.type) return false;
    switch (g.type) {
      case vkind::null:
        return true;
      case vkind::boolean:
        return g.boolean == o.boolean;
      case vkind::number: {
        const double allowed = std::max(e.tolerance, e.relative * std::fabs(g.number));
        return std::fabs(o.number - g.number) <= allowed;
      }
      case vkind::string:
        return e.strings == string_match::exact ? g.text == o.text
                                                : normalized(g.text) == normalized(o.text);
      default:
        return detail::equal(g, o);
    }
  }

  void leaf(const value& g, const value* out, const std::string& ptr, const effective& e) {
    field_comparison f;
    f.pointer = ptr;
    f.expected = detail::dump(g);
    ++r_.fields;
    if (out == nullptr) {
      f.method = "missing";
      f.score = 0;
      f.recall = 0;
      f.precision = 0;
      ++r_.missing;
    } else {
      f.actual = detail::dump(*out);
      if (g.type == vkind::array) {
        list(g, *out, f, e);
      } else if (g.type == vkind::object) {  // empty gold object
        f.method = "exact";
        f.score = detail::equal(g, *out) ? 1 : 0;
      } else if (g.type != out->type) {
        f.method = "type_mismatch";
        f.score = 0;
      } else {
        f.method = g.type == vkind::number ? "numeric"
                   : g.type == vkind::string
                       ? (e.strings == string_match::exact ? "exact" : "normalized")
                       : "exact";
        f.score = scalar_match(g, *out, e) ? 1 : 0;
      }
      if (g.type != vkind::array) f.precision = f.recall = f.score;
    }
    if (f.score == 1.0) ++r_.matched;
    r_.details.push_back(std::move(f));
  }

  void list(const value& g, const value& o, field_comparison& f, const effective& e) const {
    if (o.type != vkind::array) {
      f.method = "type_mismatch";
      f.score = f.precision = f.recall = 0;
      return;
    }
    if (e.lists == list_match::ordered) {
      f.method = "ordered";
      bool same = g.items.size() == o.items.size();
      for (std::size_t i = 0; same && i < g.items.size(); ++i)
        same = scalar_match(g.items[i], o.items[i], e);
      f.score = f.precision = f.recall = same ? 1 : 0;
      return;
    }
    f.method = "set";
    if (g.items.empty() && o.items.empty()) {
      f.score = f.precision = f.recall = 1;
      return;
    }
    std::vector<char> used(o.items.size(), 0);
    std::size_t hits = 0;
    for (const auto& x : g.items) {
      for (std::size_t j = 0; j < o.items.size(); ++j) {
        if (!used[j] && scalar_match(x, o.items[j], e)) {
          used[j] = 1;
          ++hits;
          break;
        }
      }
    }
    const double h = static_cast<double>(hits);
    f.precision = o.items.empty() ? 0.0 : h / static_cast<double>(o.items.size());
    f.recall = g.items.empty() ? 0.0 : h / static_cast<double>(g.items.size());
    f.score =
        f.precision + f.recall > 0 ? 2 * f.precision * f.recall / (f.precision + f.recall) : 0;
  }

  const json_compare_options& o_;
  json_compare_result& r_;
};

}  // namespace

json_compare_result compare_json(std::string_view output, std::string_view gold,
                                 const json_compare_options& options) {
  const value g = detail::parse_strict(gold, "gold", json_max_depth_limit);
  json_compare_result r;
  value out;
  r.parse = detail::extract(output, options.parse, out);
  comparer c(options, r);
  std::string ptr;
  c.walk(g, r.parse.ok() ? &out : nullptr, ptr);
  double sum = 0;
  for (const auto& d : r.details) sum += d.score;
  r.score = r.fields == 0 ? 1.0 : sum / static_cast<double>(r.fields);
  return r;
}

}  // namespace precis::structured
