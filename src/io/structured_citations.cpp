/// @file structured_citations.cpp
/// Structured summaries (JSON with citations per field) to claims; see
/// precis/structured/structured_citations.hpp.

#include "precis/structured/structured_citations.hpp"

#include <algorithm>
#include <string>
#include <utility>

#include "precis/error.hpp"
#include "structured_json.hpp"

namespace precis::structured {
namespace {

using detail::value;

bool is_scalar(const value& v) {
  return v.type == value::kind::string || v.type == value::kind::number ||
         v.type == value::kind::boolean;
}

std::string scalar_text(const value& v) {
  switch (v.type) {
    case value::kind::string:
      return v.text;
    case value::kind::number:
      return detail::number_text(v.number);
    case value::kind::boolean:
      return v.boolean ? "true" : "false";
    default:
      return {};
  }
}

// The claim text of a field value: a scalar, or the scalars of an array joined by "; ".
std::string value_text(const value& v) {
  if (is_scalar(v)) return scalar_text(v);
  std::string out;
  if (v.type == value::kind::array) {
    for (const auto& item : v.items) {
      if (!is_scalar(item)) continue;
      if (!out.empty()) out += "; ";
      out += scalar_text(item);
    }
  }
  return out;
}

const value* first_of(const value& v, const std::vector<std::string>& keys) {
  for (const auto& k : keys) {
    if (const auto* found = v.find(k)) return found;
  }
  return nullptr;
}

}  // namespace

structured_claims_result structured_claims(std::string_view json_text,
                                           const structured_citation_options& options,
                                           const metrics::citation_options& markers) {
  structured_claims_result out;
  value root;
  out.parse = detail::extract(json_text, options.json, root);
  if (!out.parse.ok()) raise("parse_error", "structured summary: " + out.parse.message);

  auto add_citation = [&](const value& c, metrics::claim_input& claim, const std::string& ptr) {
    if (c.type == value::kind::number) {
      claim.citations.push_back(
          {detail::number_text(c.number), {}, metrics::citation_style::field});
    } else if (c.type == value::kind::string) {
      const auto parsed = metrics::parse_citations(c.text, markers);
      if (parsed.markers.empty()) {
        if (!c.text.empty())
          claim.citations.push_back({c.text, {}, metrics::citation_style::field});
      } else {
        for (const auto& m : parsed.markers) {
          claim.citations.push_back({m.key, {}, metrics::citation_style::field});
        }
      }
    } else if (c.type != value::kind::null) {
      raise("parse_error",
            "structured summary, field '" + ptr + "': citations must be strings or numbers");
    }
  };
  auto text_claim = [&](std::string text, std::string ptr) {
    metrics::claim_input claim;
    claim.pointer = std::move(ptr);
    if (options.inline_markers) {
      auto parsed = metrics::parse_citations(text, markers);
      if (!parsed.markers.empty()) {
        for (auto& m : parsed.markers) {
          m.span = {};
          claim.citations.push_back(std::move(m));
        }
        text = parsed.masked;
      }
    }
    claim.text = std::move(text);
    return claim;
  };

  // Explicit stack (depth is bounded by options.json.max_depth, up to 10,000).
  struct frame {
    const value* v;
    std::string pointer;
  };
  std::vector<frame> stack;
  stack.push_back({&root, ""});
  while (!stack.empty()) {
    frame f = std::move(stack.back());
    stack.pop_back();
    const value& v = *f.v;
    if (v.type == value::kind::object) {
      const value* val = first_of(v, options.value_keys);
      const value* cites = first_of(v, options.citation_keys);
      if (val && cites && (is_scalar(*val) || val->type == value::kind::array)) {
        auto claim = text_claim(value_text(*val), f.pointer);
        if (cites->type == value::kind::array) {
          for (const auto& c : cites->items) add_citation(c, claim, f.pointer);
        } else {
          add_citation(*cites, claim, f.pointer);
        }
        if (!claim.text.empty() || !claim.citations.empty()) out.claims.push_back(std::move(claim));
        continue;
      }
      for (std::size_t i = v.members.size(); i-- > 0;) {
        std::string p = f.pointer;
        detail::append_pointer_token(p, v.members[i].key);
        stack.push_back({&v.members[i].val, std::move(p)});
      }
    } else if (v.type == value::kind::array) {
      for (std::size_t i = v.items.size(); i-- > 0;) {
        stack.push_back({&v.items[i], f.pointer + "/" + std::to_string(i)});
      }
    } else if (options.leaves_are_claims && is_scalar(v)) {
      auto text = scalar_text(v);
      if (text.empty()) continue;
      out.claims.push_back(text_claim(std::move(text), std::move(f.pointer)));
    }
  }
  return out;
}

metrics::citation_result score_structured(const metrics::citation_scorer& scorer,
                                          std::string_view json_text,
                                          const structured_citation_options& options) {
  const auto claims = structured_claims(json_text, options, scorer.options());
  return scorer.score_claims(claims.claims);
}

}  // namespace precis::structured
