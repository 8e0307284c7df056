// The C++ judges: render the shared templates, ask the user's chat_function, parse the reply
// strictly (precis::structured), repair with the validation error, and turn every failure into
// the item's error. Mirrors bindings/python/precis/judge/judges.py (_Judge._ask, RubricJudge,
// CitationSupportJudge) message for message; tests/python/test_judge_cpp.py checks that.
#include "precis/judge/judges.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <exception>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "precis/detail/parallel.hpp"
#include "precis/error.hpp"
#include "precis/structured/json_output.hpp"
#include "precis/structured/json_schema.hpp"
#include "precis/text/utf8.hpp"

namespace precis::judge {
namespace {

using json = nlohmann::json;
using ordered_json = nlohmann::ordered_json;

// What one judge sends with every request, fixed at construction.
struct call_plan {
  chat_function model;
  prompt_template prompt;
  std::string tag;     // template tag sent (rubric judges add the rubric)
  std::string schema;  // json.dumps form
  structured::json_schema validator;
  double temperature = 0.0;
  std::size_t max_tokens = 0;
  std::optional<std::int64_t> seed;
  std::size_t samples = 1;
  std::size_t max_repairs = 2;
  bool logprobs = true;
  std::size_t top_logprobs = 10;
  std::shared_ptr<judge_cache> cache;
  std::string answer_field;  // "score" or "verdict": named in errors

  call_plan(chat_function m, prompt_template p, std::string t, std::string s,
            const judge_options& o, std::size_t default_max_tokens, std::string field)
      : model(std::move(m)),
        prompt(std::move(p)),
        tag(std::move(t)),
        schema(std::move(s)),
        validator(schema),
        temperature(o.temperature.value_or(o.samples == 1 ? 0.0 : 1.0)),
        max_tokens(o.max_tokens.value_or(default_max_tokens)),
        seed(o.seed),
        samples(o.samples),
        max_repairs(o.max_repairs),
        logprobs(o.logprobs),
        top_logprobs(o.logprobs ? o.top_logprobs : 0),
        cache(o.cache),
        answer_field(std::move(field)) {}
};

void check_options(const chat_function& model, const judge_options& o) {
  if (!model) raise("invalid_argument", "a judge needs a model (an empty chat_function)");
  if (o.samples < 1) raise("invalid_argument", "samples must be at least 1");
}

// A prompt that cannot be rendered with the values a judge gives it (a placeholder the judge
// does not fill, a stray `$`) is a caller mistake: found at construction, not on every item.
void check_prompt(const prompt_template& p, const template_values& given) {
  static_cast<void>(p.render(given));
}

// Why a reply cannot be used, in Python's words (judges.py, _Judge._problem); "" when it can,
// with the answer in `value`.
std::string problem_of(std::string_view text, const structured::json_schema& validator,
                       json& value) {
  const auto parsed = structured::parse_json_output(text);
  if (!parsed.ok()) {
    if (parsed.error == structured::json_error_kind::empty) return "the reply has no JSON";
    return "the JSON is " + std::string(structured::json_error_kind_name(parsed.error)) + ": " +
           parsed.message;
  }
  const auto result = validator.validate(parsed.json);
  if (!result.valid) {
    std::string out;
    for (std::size_t i = 0; i < result.violations.size() && i < 5; ++i) {
      const auto& v = result.violations[i];
      if (i > 0) out += "; ";
      out += (v.pointer.empty() ? "/" : v.pointer) + ": " + v.message;
    }
    return out;
  }
  value = json::parse(parsed.json);
  return {};
}

// What the judge reads from a valid answer, in case a prompt of the user's own has a schema that
// lets it through without it (the built-in schemas never do).
std::string answer_problem(const json& value, const std::string& field) {
  if (!value.is_object() || !value.contains(field)) return "/" + field + ": missing";
  const auto& v = value[field];
  if (field == "score") return v.is_number() ? std::string() : "/score: expected a number";
  if (v.is_string() && (v == "supported" || v == "partially_supported" || v == "not_supported")) {
    return {};
  }
  return "/" + field + ": expected \"supported\", \"partially_supported\" or \"not_supported\"";
}

// The reply's first 120 characters, stripped, on one line (for error messages).
std::string reply_head(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n\f\v");
  if (first == std::string_view::npos) return {};
  text = text.substr(first, text.find_last_not_of(" \t\r\n\f\v") - first + 1);
  std::string out;
  std::size_t chars = 0;
  for (const char c : text) {
    const bool lead = (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    if (lead && ++chars > 120) break;
    out += c == '\n' ? ' ' : c;
  }
  return out;
}

// A failed ask: the error's code and message (without the item's name).
struct ask_failure {
  std::string code;
  std::string message;
};

// Asks until the answer parses and validates (at most max_repairs repair turns); the validated
// answer, or the failure.
std::optional<json> ask(const call_plan& plan, std::vector<chat_message> conversation,
                        std::size_t sample, judge_usage& usage, chat_reply& reply,
                        ask_failure& failure) {
  for (std::size_t repair = 0;; ++repair) {
    chat_request request;
    request.messages = conversation;
    request.temperature = plan.temperature;
    request.max_tokens = plan.max_tokens;
    if (plan.seed) request.seed = *plan.seed + static_cast<std::int64_t>(sample);
    request.schema = plan.schema;
    request.template_tag = plan.tag;
    request.sample = sample;
    request.logprobs = plan.logprobs;
    request.top_logprobs = plan.top_logprobs;
    std::string key;
    std::optional<chat_reply> hit;
    if (plan.cache) {
      key = judge_cache::key(request);
      hit = plan.cache->find(key);
    }
    if (hit) {
      reply = std::move(*hit);
      ++usage.cached_calls;
    } else {
      try {
        reply = plan.model(request);
      } catch (const std::exception& e) {
        failure = {"judge_failed", std::string("the model call failed: ") + e.what()};
        return std::nullopt;
      } catch (...) {
        failure = {"judge_failed",
                   "the model call failed (it threw something that is not a std::exception)"};
        return std::nullopt;
      }
      if (plan.cache) plan.cache->store(key, reply);
      usage.prompt_tokens += reply.prompt_tokens;
      usage.completion_tokens += reply.completion_tokens;
    }
    ++usage.calls;
    if (!reply.refusal.empty() || reply.finish_reason == "content_filter") {
      failure = {"judge_refused",
                 "the model refused: " +
                     (reply.refusal.empty() ? std::string("content_filter") : reply.refusal)};
      return std::nullopt;
    }
    json value;
    std::string problem = problem_of(reply.text, plan.validator, value);
    if (problem.empty()) problem = answer_problem(value, plan.answer_field);
    if (problem.empty()) return value;
    if (repair == plan.max_repairs) {
      failure = {"judge_failed", "no valid answer after " + std::to_string(plan.max_repairs) +
                                     " repairs: " + problem + " (reply starts '" +
                                     reply_head(reply.text) + "')"};
      return std::nullopt;
    }
    ++usage.repairs;
    const std::string cut =
        reply.finish_reason == "length"
            ? " The reply was cut off at max_tokens=" + std::to_string(plan.max_tokens) + "."
            : std::string();
    conversation.push_back({"assistant", reply.text});
    conversation.push_back({"user", "That answer cannot be used: " + problem + "." + cut +
                                        " Answer again with only a JSON object that satisfies "
                                        "this JSON Schema: " +
                                        plan.schema});
  }
}

std::string failure_text(const call_plan& plan, const ask_failure& f, std::string_view item) {
  return "[precis." + f.code + "] " + std::string(item) + "field '" + plan.answer_field +
         "': " + f.message;
}

double mean(const std::vector<double>& v) {
  double sum = 0.0;
  for (const double x : v) sum += x;
  return sum / static_cast<double>(v.size());
}

// Population standard deviation (Python's statistics.pstdev); 0 for one value.
double spread_of(const std::vector<double>& v) {
  if (v.size() < 2) return 0.0;
  const double m = mean(v);
  double sum = 0.0;
  for (const double x : v) sum += (x - m) * (x - m);
  return std::sqrt(sum / static_cast<double>(v.size()));
}

// "record 3 (id 'x'), " for batch items, "" for one-off calls.
std::string item_name(std::size_t index, std::string_view id) {
  std::string out = "record " + std::to_string(index);
  if (!id.empty()) out += " (id '" + std::string(id) + "')";
  return out + ", ";
}

// Runs `one(i)` for every item on `threads` threads, one item per claim of the counter (each is
// a model call: slow and uneven); an exception escaping `one` becomes the item's error.
template <class Result, class One>
std::vector<Result> each_item(std::size_t n, unsigned threads, const One& one,
                              const std::function<std::string(std::size_t)>& name) {
  std::vector<Result> out(n);
  precis::detail::parallel_for(
      n, threads,
      [&](std::size_t i) {
        try {
          out[i] = one(i);
        } catch (const error& e) {
          out[i] = Result{};
          out[i].error = "[precis." + e.code() + "] " + name(i) + std::string(e.message());
        } catch (const std::exception& e) {
          out[i] = Result{};
          out[i].error = "[precis.judge_failed] " + name(i) + e.what();
        }
      },
      1);
  return out;
}

}  // namespace

std::optional<double> weighted_choice(const chat_reply& reply, std::string_view field,
                                      std::span<const weighted_value> choices) {
  if (reply.logprobs.empty()) return std::nullopt;
  const std::string_view text = reply.text;
  const auto space = [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
  };
  // Where the value starts: after the first `"field"\s*:\s*"?` (judges.py's _VALUE_START).
  const std::string quoted = "\"" + std::string(field) + "\"";
  std::size_t value_at = std::string_view::npos;
  for (auto at = text.find(quoted); at != std::string_view::npos; at = text.find(quoted, at + 1)) {
    std::size_t i = at + quoted.size();
    while (i < text.size() && space(text[i])) ++i;
    if (i >= text.size() || text[i] != ':') continue;
    ++i;
    while (i < text.size() && space(text[i])) ++i;
    if (i < text.size() && text[i] == '"') ++i;
    value_at = i;
    break;
  }
  if (value_at == std::string_view::npos) return std::nullopt;
  const token_logprob* token = nullptr;
  std::size_t offset = 0;
  for (const auto& entry : reply.logprobs) {
    if ((offset <= value_at && value_at < offset + entry.token.size()) ||
        (entry.token.empty() && offset == value_at)) {
      token = &entry;
      break;
    }
    offset += entry.token.size();
  }
  if (token == nullptr) return std::nullopt;
  const std::string_view lead = std::string_view(token->token).substr(0, value_at - offset);
  // Without alternatives, the chosen token alone.
  const std::vector<token_alternative> chosen{{token->token, token->logprob}};
  const auto& alternatives = token->top_logprobs.empty() ? chosen : token->top_logprobs;
  // A letter, digit or `_` after a choice makes it another word ("45", "supportedly"); bytes of
  // non-ASCII characters count as letters (Python's str.isalnum).
  const auto word = [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u >= 0x80 || std::isalnum(u) != 0 || c == '_';
  };
  std::vector<std::pair<std::size_t, double>> mass;  // choice, probability; in order seen
  for (const auto& alternative : alternatives) {
    const std::string_view alt = alternative.token;
    if (!alt.starts_with(lead)) continue;
    const std::string_view rest = alt.substr(lead.size());
    if (rest.empty()) continue;
    std::vector<std::size_t> named;
    for (std::size_t k = 0; k < choices.size(); ++k) {
      const auto c = choices[k].answer;
      if (rest == c || (rest.starts_with(c) && !word(rest[c.size()]))) named.push_back(k);
    }
    if (named.empty() && !(rest[0] >= '0' && rest[0] <= '9')) {
      for (std::size_t k = 0; k < choices.size(); ++k) {
        if (choices[k].answer.starts_with(rest)) named.push_back(k);
      }
    }
    if (named.size() != 1) continue;
    const double p = std::exp(alternative.logprob);
    const auto it =
        std::find_if(mass.begin(), mass.end(), [&](const auto& m) { return m.first == named[0]; });
    if (it == mass.end()) {
      mass.emplace_back(named[0], p);
    } else {
      it->second += p;
    }
  }
  double total = 0.0;
  for (const auto& m : mass) total += m.second;
  if (!(total > 0.0)) return std::nullopt;
  double weighted = 0.0;
  for (const auto& m : mass) weighted += m.second * choices[m.first].value;
  return weighted / total;
}

std::string_view support_verdict_name(support_verdict verdict) noexcept {
  switch (verdict) {
    case support_verdict::supported:
      return "supported";
    case support_verdict::partially_supported:
      return "partially_supported";
    case support_verdict::not_supported:
      return "not_supported";
  }
  return "not_supported";
}

double support_verdict_value(support_verdict verdict) noexcept {
  switch (verdict) {
    case support_verdict::supported:
      return 1.0;
    case support_verdict::partially_supported:
      return 0.5;
    case support_verdict::not_supported:
      return 0.0;
  }
  return 0.0;
}

// ---- rubric judge ------------------------------------------------------------------------

struct rubric_judge::state {
  rubric criterion;
  call_plan plan;
  std::vector<std::string> scale_names;  // "1" ... "5"
  std::vector<weighted_value> scale;     // {"1", 1.0} ... {"5", 5.0}

  state(rubric r, chat_function model, const judge_options& o, prompt_template p,
        std::string schema)
      : criterion(std::move(r)),
        plan(std::move(model), p,
             p.name + "@" + p.version + "+" + criterion.name + "-" + criterion.version,
             std::move(schema), o, 32, "score") {
    for (int k = criterion.low; k <= criterion.high; ++k) scale_names.push_back(std::to_string(k));
    for (int k = criterion.low; k <= criterion.high; ++k) {
      scale.push_back(
          {scale_names[static_cast<std::size_t>(k - criterion.low)], static_cast<double>(k)});
    }
  }

  rubric_result judge(std::string_view summary, std::string_view source,
                      std::string_view item) const {
    rubric_result r;
    auto values = criterion.fill();
    values["summary"] = std::string(summary);
    values["source"] = std::string(source);
    const auto messages = plan.prompt.render(values);
    for (std::size_t s = 0; s < plan.samples; ++s) {
      ask_failure failure;
      chat_reply reply;
      const auto answer = ask(plan, messages, s, r.usage, reply, failure);
      if (!answer) {
        const auto usage = r.usage;
        r = rubric_result{};
        r.usage = usage;
        r.error = failure_text(plan, failure, item);
        return r;
      }
      const auto weighted = weighted_choice(reply, "score", scale);
      if (weighted) ++r.weighted;
      r.ratings.push_back(weighted ? *weighted : answer->at("score").get<double>());
    }
    r.rating = mean(r.ratings);
    r.score = (r.rating - criterion.low) / (criterion.high - criterion.low);
    r.spread = spread_of(r.ratings);
    return r;
  }
};

namespace {

std::string rubric_schema(const prompt_template& p, const rubric& r) {
  ordered_json schema;
  try {
    schema = ordered_json::parse(p.schema);
  } catch (const nlohmann::json::exception& e) {
    raise("parse_error", "template '" + p.tag() + "' schema: " + e.what());
  }
  if (!schema.is_object()) {
    raise("invalid_argument", "template '" + p.tag() + "' schema: expected a JSON object");
  }
  // The enum lets an endpoint that compiles the schema into a grammar allow exactly the scale's
  // values; minimum and maximum give the clearer violation message (as in judges.py).
  ordered_json score = {{"type", "integer"}, {"minimum", r.low}, {"maximum", r.high}};
  ordered_json scale = ordered_json::array();
  for (int k = r.low; k <= r.high; ++k) scale.push_back(k);
  score["enum"] = std::move(scale);
  schema["properties"]["score"] = std::move(score);
  return python_json_text(schema.dump());
}

template_values rubric_inputs(const rubric& r) {
  auto values = r.fill();
  values["summary"] = "";
  values["source"] = "";
  return values;
}

}  // namespace

rubric_judge::rubric_judge(std::string_view criterion, chat_function model, judge_options options)
    : rubric_judge(builtin_rubric(criterion), std::move(model), std::move(options)) {}

rubric_judge::rubric_judge(rubric criterion, chat_function model, judge_options options,
                           std::optional<prompt_template> prompt) {
  check_options(model, options);
  if (criterion.low >= criterion.high) {
    raise("invalid_argument", "rubric '" + criterion.name + "': low (" +
                                  std::to_string(criterion.low) + ") must be below high (" +
                                  std::to_string(criterion.high) + ")");
  }
  prompt_template p = prompt ? std::move(*prompt) : rubric_template_for(criterion);
  check_prompt(p, rubric_inputs(criterion));
  std::string schema = rubric_schema(p, criterion);
  state_ = std::make_shared<const state>(std::move(criterion), std::move(model), options,
                                         std::move(p), std::move(schema));
}

rubric_result rubric_judge::judge(std::string_view summary, std::string_view source) const {
  text::validate_utf8(summary, "summary");
  text::validate_utf8(source, "source");
  return state_->judge(summary, source, "");
}

rubric_result rubric_judge::judge(std::string_view summary,
                                  std::span<const source_doc> sources) const {
  text::validate_utf8(summary, "summary");
  for (std::size_t i = 0; i < sources.size(); ++i) {
    text::validate_utf8(sources[i].text, "source " + std::to_string(i));
  }
  if (sources.empty() && state_->criterion.needs_source) {
    raise("invalid_argument",
          "field 'sources': missing (criterion '" + state_->criterion.name + "' reads the source)");
  }
  return state_->judge(summary, format_sources(sources), "");
}

std::vector<rubric_result> rubric_judge::judge_batch(std::span<const record> records,
                                                     unsigned threads) const {
  const auto name = [&](std::size_t i) { return item_name(i, records[i].id); };
  return each_item<rubric_result>(
      records.size(), threads,
      [&](std::size_t i) {
        const auto& rec = records[i];
        text::validate_utf8(rec.summary, "field 'summary'");
        for (std::size_t k = 0; k < rec.sources.size(); ++k) {
          text::validate_utf8(rec.sources[k].text, "field 'sources[" + std::to_string(k) + "]'");
        }
        if (rec.sources.empty() && state_->criterion.needs_source) {
          raise("invalid_argument", "field 'sources': missing (criterion '" +
                                        state_->criterion.name + "' reads the source)");
        }
        return state_->judge(rec.summary, format_sources(rec.sources), name(i));
      },
      name);
}

std::vector<chat_message> rubric_judge::messages(std::string_view summary,
                                                 std::string_view source) const {
  auto values = state_->criterion.fill();
  values["summary"] = std::string(summary);
  values["source"] = std::string(source);
  return state_->plan.prompt.render(values);
}

const rubric& rubric_judge::criterion() const noexcept { return state_->criterion; }
const prompt_template& rubric_judge::prompt() const noexcept { return state_->plan.prompt; }
const std::string& rubric_judge::tag() const noexcept { return state_->plan.tag; }
const std::string& rubric_judge::schema() const noexcept { return state_->plan.schema; }

// ---- citation support judge --------------------------------------------------------------

struct citation_support_judge::state {
  call_plan plan;

  state(chat_function model, const judge_options& o, prompt_template p)
      : plan(std::move(model), p, p.tag(), python_json_text(p.schema), o, 160, "verdict") {}

  support_result judge(std::string_view claim, std::string_view evidence,
                       std::string_view item) const {
    support_result r;
    if (evidence.find_first_not_of(" \t\r\n\f\v") == std::string_view::npos) {
      r.verdict = support_verdict::not_supported;
      r.rationale = "no evidence text is cited";
      return r;
    }
    const auto messages =
        plan.prompt.render({{"claim", std::string(claim)}, {"evidence", std::string(evidence)}});
    std::vector<double> values;
    for (std::size_t s = 0; s < plan.samples; ++s) {
      ask_failure failure;
      chat_reply reply;
      const auto answer = ask(plan, messages, s, r.usage, reply, failure);
      if (!answer) {
        const auto usage = r.usage;
        r = support_result{};
        r.usage = usage;
        r.error = failure_text(plan, failure, item);
        return r;
      }
      const auto verdict = answer->at("verdict").get<std::string>();  // checked by ask()
      const auto v = verdict == "supported"             ? support_verdict::supported
                     : verdict == "partially_supported" ? support_verdict::partially_supported
                                                        : support_verdict::not_supported;
      if (s == 0) {
        r.verdict = v;
        const auto rationale = answer->find("rationale");
        if (rationale != answer->end() && rationale->is_string()) {
          r.rationale = rationale->get<std::string>();
        }
      }
      const weighted_value verdicts[] = {
          {"supported", 1.0}, {"partially_supported", 0.5}, {"not_supported", 0.0}};
      const auto weighted = weighted_choice(reply, "verdict", verdicts);
      if (weighted) ++r.weighted;
      values.push_back(weighted ? *weighted : support_verdict_value(v));
    }
    r.score = mean(values);
    r.spread = spread_of(values);
    return r;
  }
};

citation_support_judge::citation_support_judge(chat_function model, judge_options options,
                                               std::optional<prompt_template> prompt) {
  check_options(model, options);
  prompt_template p = prompt ? std::move(*prompt) : builtin_template("citation-support");
  check_prompt(p, {{"claim", ""}, {"evidence", ""}});
  state_ = std::make_shared<const state>(std::move(model), options, std::move(p));
}

support_result citation_support_judge::judge(std::string_view claim,
                                             std::string_view evidence) const {
  text::validate_utf8(claim, "claim");
  text::validate_utf8(evidence, "evidence");
  return state_->judge(claim, evidence, "");
}

support_result citation_support_judge::judge(std::string_view claim,
                                             std::span<const source_doc> evidence) const {
  text::validate_utf8(claim, "claim");
  for (std::size_t i = 0; i < evidence.size(); ++i) {
    text::validate_utf8(evidence[i].text, "evidence " + std::to_string(i));
  }
  return state_->judge(claim, format_sources(evidence), "");
}

std::vector<support_result> citation_support_judge::judge_batch(std::span<const support_item> items,
                                                                unsigned threads) const {
  const auto name = [&](std::size_t i) { return item_name(i, items[i].id); };
  return each_item<support_result>(
      items.size(), threads,
      [&](std::size_t i) {
        const auto& item = items[i];
        text::validate_utf8(item.claim, "field 'claim'");
        for (std::size_t k = 0; k < item.evidence.size(); ++k) {
          text::validate_utf8(item.evidence[k].text, "field 'evidence[" + std::to_string(k) + "]'");
        }
        return state_->judge(item.claim, format_sources(item.evidence), name(i));
      },
      name);
}

std::vector<chat_message> citation_support_judge::messages(std::string_view claim,
                                                           std::string_view evidence) const {
  return state_->plan.prompt.render(
      {{"claim", std::string(claim)}, {"evidence", std::string(evidence)}});
}

const prompt_template& citation_support_judge::prompt() const noexcept {
  return state_->plan.prompt;
}
const std::string& citation_support_judge::tag() const noexcept { return state_->plan.tag; }
const std::string& citation_support_judge::schema() const noexcept { return state_->plan.schema; }

// ---- the citation metrics' judge ---------------------------------------------------------

metrics::support_function support_function(const citation_support_judge& judge,
                                           std::span<const source_doc> sources) {
  struct adapter {
    citation_support_judge judge;
    std::vector<source_doc> sources;
  };
  auto a = std::make_shared<adapter>(adapter{judge, {sources.begin(), sources.end()}});
  // Ids as the citation scorer resolves them: an empty id is the 1-based position.
  for (std::size_t i = 0; i < a->sources.size(); ++i) {
    if (a->sources[i].id.empty()) a->sources[i].id = std::to_string(i + 1);
  }
  return [a = std::shared_ptr<const adapter>(std::move(a))](
             std::string_view claim, std::span<const std::size_t> cited) -> double {
    std::vector<source_doc> evidence;
    evidence.reserve(cited.size());
    for (const auto i : cited) {
      if (i >= a->sources.size()) {
        raise("invalid_argument", "support_function: source index " + std::to_string(i) +
                                      " out of range (it was made with " +
                                      std::to_string(a->sources.size()) + " sources)");
      }
      evidence.push_back(a->sources[i]);
    }
    const auto r = a->judge.judge(claim, evidence);
    if (!r.ok()) {
      const auto close = r.error.find("] ");
      raise("support_failed", "claim '" + std::string(claim) + "': " + r.error.substr(close + 2));
    }
    return r.score;
  };
}

}  // namespace precis::judge
