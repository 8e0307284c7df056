// The built-in judge templates and rubrics: data/judge/templates.json, embedded at build time
// (CMakeLists.txt writes it into a raw string literal), parsed once per process.
#include "precis/judge/templates.hpp"

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "precis/error.hpp"

namespace precis::judge {
namespace {

constexpr char k_templates_json[] =
#include "precis_generated/judge_templates.inc"
    ;

using ordered_json = nlohmann::ordered_json;

void write_python_json(const ordered_json& value, std::string& out) {
  if (value.is_object()) {
    out += '{';
    bool first = true;
    for (const auto& [key, item] : value.items()) {
      if (!first) out += ", ";
      first = false;
      out += ordered_json(key).dump();
      out += ": ";
      write_python_json(item, out);
    }
    out += '}';
  } else if (value.is_array()) {
    out += '[';
    bool first = true;
    for (const auto& item : value) {
      if (!first) out += ", ";
      first = false;
      write_python_json(item, out);
    }
    out += ']';
  } else {
    // Scalars: nlohmann escapes strings as Python's json does with ensure_ascii=False (", \,
    // \b \f \n \r \t, other control characters as \u00xx) and writes integers alike.
    out += value.dump();
  }
}

std::string lines(const ordered_json& value) {
  if (value.is_string()) return value.get<std::string>();
  std::string out;
  bool first = true;
  for (const auto& line : value) {
    if (!first) out += '\n';
    first = false;
    out += line.get<std::string>();
  }
  return out;
}

struct builtins {
  std::vector<prompt_template> templates;
  std::vector<rubric> rubrics;
};

const builtins& builtin_data() {
  static const builtins data = [] {
    builtins b;
    const auto doc = ordered_json::parse(std::string_view(k_templates_json));
    for (const auto& t : doc.at("templates")) {
      std::string schema;
      write_python_json(t.at("schema"), schema);
      b.templates.push_back({t.at("name").get<std::string>(), t.at("version").get<std::string>(),
                             lines(t.at("system")), lines(t.at("user")), std::move(schema),
                             t.value("description", std::string())});
    }
    for (const auto& r : doc.at("rubrics")) {
      rubric x;
      x.name = r.at("name").get<std::string>();
      x.criteria = r.at("criteria").get<std::string>();
      x.steps = r.at("steps").get<std::vector<std::string>>();
      x.low = r.at("low").get<int>();
      x.high = r.at("high").get<int>();
      x.needs_source = r.at("needs_source").get<bool>();
      x.version = r.at("version").get<std::string>();
      b.rubrics.push_back(std::move(x));
    }
    return b;
  }();
  return data;
}

}  // namespace

std::string_view builtin_templates_json() noexcept { return k_templates_json; }

namespace {

template <class Item>
std::vector<std::string> names_of(const std::vector<Item>& items) {
  std::vector<std::string> out;
  for (const auto& item : items) out.push_back(item.name);
  return out;
}

// The item called `name`, or invalid_argument "unknown <kind> 'name' (expected a, b<tail>)".
template <class Item>
const Item& find_named(const std::vector<Item>& items, std::string_view name, std::string_view kind,
                       std::string_view tail) {
  for (const auto& item : items) {
    if (item.name == name) return item;
  }
  std::string names;
  for (const auto& item : items) names += (names.empty() ? "" : ", ") + item.name;
  raise("invalid_argument", "unknown " + std::string(kind) + " '" + std::string(name) +
                                "' (expected " + names + std::string(tail) + ")");
}

}  // namespace

const prompt_template& builtin_template(std::string_view name) {
  return find_named(builtin_data().templates, name, "template", "");
}

std::vector<std::string> builtin_template_names() { return names_of(builtin_data().templates); }

const rubric& builtin_rubric(std::string_view name) {
  return find_named(builtin_data().rubrics, name, "criterion", " or a rubric");
}

std::vector<std::string> builtin_rubric_names() { return names_of(builtin_data().rubrics); }

const prompt_template& rubric_template_for(const rubric& r) {
  return builtin_template(r.needs_source ? "geval-rubric" : "geval-rubric-summary-only");
}

std::string python_json_text(std::string_view json) {
  std::string out;
  try {
    write_python_json(ordered_json::parse(json), out);
  } catch (const nlohmann::json::exception& e) {
    raise("parse_error", std::string("schema: ") + e.what());
  }
  return out;
}

}  // namespace precis::judge
