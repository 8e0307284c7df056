#pragma once
/// @file model.hpp
/// How a C++ program plugs its own language model into precis' LLM judges: chat messages, the
/// request a judge makes, the reply it expects, `chat_function` (the user's callable), an
/// in-memory reply cache and a helper that serializes a client that is not thread-safe.
/// precis sends nothing over the network itself: the function does. See docs/judge/cpp.md.

#include <atomic>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace precis::judge {

/// One chat message, as OpenAI-compatible chat APIs take it.
struct chat_message {
  std::string role;     ///< "system", "user" or "assistant"
  std::string content;  ///< UTF-8

  friend bool operator==(const chat_message&, const chat_message&) = default;
};

/// One alternative for a generated token, with its natural-log probability.
struct token_alternative {
  std::string token;
  double logprob = 0.0;
};

/// One generated token with its log-probability and the most likely alternatives at its
/// position (OpenAI's `choices[0].logprobs.content[i]`: `token`, `logprob`, `top_logprobs`).
struct token_logprob {
  std::string token;
  double logprob = 0.0;
  std::vector<token_alternative> top_logprobs{};
};

/// What a judge asks its model: the conversation and the sampling parameters. The answer must be
/// a JSON object that satisfies `schema` (endpoints with structured outputs can enforce it; the
/// judge parses and validates the reply either way).
struct chat_request {
  std::vector<chat_message> messages;  ///< system (if any), user, then repair turns
  double temperature = 0.0;            ///< 0 for one sample, 1 for several (G-Eval)
  std::size_t max_tokens = 256;        ///< completion budget
  std::optional<std::int64_t> seed{};  ///< sample i of a judge with seed s sends s + i
  std::string schema;                  ///< JSON Schema text of the answer (json.dumps form)
  std::string template_tag;            ///< "name@version" of the prompt, e.g. "citation-support@1"
  std::size_t sample = 0;              ///< which of the judge's samples this call is (0-based)
  /// Ask for the tokens' log-probabilities with this many alternatives each (OpenAI's
  /// `logprobs: true, top_logprobs: N`); a model that cannot give them ignores it.
  bool logprobs = false;
  std::size_t top_logprobs = 0;
};

/// The model's answer. `text` is what the model wrote; the token counts feed the judges' usage
/// accounting (0 when the endpoint does not say).
struct chat_reply {
  std::string text;
  std::size_t prompt_tokens = 0;
  std::size_t completion_tokens = 0;
  /// "stop", "length" (cut off at max_tokens: the repair turn says so), "content_filter" (a
  /// refusal), or "" when unknown.
  std::string finish_reason{};
  /// Non-empty when the model declined to answer (OpenAI's `refusal`): the item fails at once,
  /// without repairs.
  std::string refusal{};
  /// The generated tokens with their alternatives, when the endpoint gives them (their texts
  /// concatenated are `text`): the judges then score as G-Eval does, by the probability-weighted
  /// mean over the choices (`weighted_choice`). Empty: the answered value is used.
  std::vector<token_logprob> logprobs{};
};

/// The user's model: takes a request, returns the reply, throws (anything) when the call fails.
/// Thread-safety contract: a judge calls it from the thread that calls the judge, and batch
/// calls (`judge_batch`, `citation_scorer::score_batch` through `support_function`) call it
/// from up to `threads` threads at once, so it must be safe to call concurrently; wrap a
/// client that is not with `serialized`. Retries, timeouts and rate limits belong in it (or in
/// the HTTP client it uses): an exception it throws is the failed item's error.
using chat_function = std::function<chat_reply(const chat_request&)>;

/// `model` behind a mutex: one call at a time, for clients that are not thread-safe.
[[nodiscard]] inline chat_function serialized(chat_function model) {
  auto lock = std::make_shared<std::mutex>();
  return [model = std::move(model), lock](const chat_request& request) {
    const std::lock_guard<std::mutex> guard(*lock);
    return model(request);
  };
}

/// An in-memory cache of replies keyed by the request: template tag (name and version), sampling
/// parameters, schema and messages. A judge given one (`judge_options::cache`) asks its model
/// only for requests it has not seen: a re-run costs nothing. Thread-safe. The key does not name
/// the model: share one cache only between judges of the same model.
class judge_cache {
 public:
  /// The cache key of `request`: every field, length-prefixed (no two requests share one).
  [[nodiscard]] static std::string key(const chat_request& request) {
    std::string k;
    auto field = [&k](std::string_view s) {
      k += std::to_string(s.size());
      k += ':';
      k += s;
    };
    char number[32];
    const auto [end, ec] = std::to_chars(number, number + sizeof number, request.temperature);
    field(ec == std::errc() ? std::string_view(number, static_cast<std::size_t>(end - number))
                            : std::string_view("?"));
    field(std::to_string(request.max_tokens));
    field(request.seed ? std::to_string(*request.seed) : std::string("none"));
    field(std::to_string(request.sample));
    field(request.logprobs ? std::to_string(request.top_logprobs) : std::string("no logprobs"));
    field(request.template_tag);
    field(request.schema);
    for (const auto& m : request.messages) {
      field(m.role);
      field(m.content);
    }
    return k;
  }

  /// The reply stored for `key`, counting a hit.
  [[nodiscard]] std::optional<chat_reply> find(const std::string& key) const {
    const std::lock_guard<std::mutex> guard(mutex_);
    const auto it = replies_.find(key);
    if (it == replies_.end()) return std::nullopt;
    hits_.fetch_add(1, std::memory_order_relaxed);
    return it->second;
  }

  /// Stores `reply` under `key` (replacing any).
  void store(const std::string& key, chat_reply reply) {
    const std::lock_guard<std::mutex> guard(mutex_);
    replies_.insert_or_assign(key, std::move(reply));
  }

  /// Replies stored.
  [[nodiscard]] std::size_t size() const {
    const std::lock_guard<std::mutex> guard(mutex_);
    return replies_.size();
  }

  /// Lookups answered from the cache so far.
  [[nodiscard]] std::size_t hits() const noexcept { return hits_.load(std::memory_order_relaxed); }

  void clear() {
    const std::lock_guard<std::mutex> guard(mutex_);
    replies_.clear();
  }

 private:
  mutable std::mutex mutex_;
  std::unordered_map<std::string, chat_reply> replies_;
  mutable std::atomic<std::size_t> hits_{0};
};

}  // namespace precis::judge
