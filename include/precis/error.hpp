#pragma once
/// @file error.hpp
/// The one exception type of precis. Every caller mistake raises `precis::error` whose message
/// starts with a stable `[precis.<code>]` prefix; tests pin the messages. Edge inputs that are not
/// mistakes (empty summary, one-word source) return documented values instead.

#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace precis {

/// Caller mistake: invalid UTF-8, malformed JSON, unknown option, mismatched sizes, ...
/// `code()` is the stable part (`invalid_utf8`, `invalid_argument`, `parse_error`, `io_error`).
class error : public std::runtime_error {
 public:
  error(std::string code, const std::string& message)
      : std::runtime_error("[precis." + code + "] " + message), code_(std::move(code)) {}

  /// The stable code, without the `precis.` prefix.
  [[nodiscard]] const std::string& code() const noexcept { return code_; }

  /// The message without its `[precis.<code>] ` tag.
  [[nodiscard]] std::string_view message() const noexcept {
    return std::string_view(what()).substr(code_.size() + 10);  // "[precis." + code + "] "
  }

 private:
  std::string code_;
};

/// Throws `precis::error` with `code` and `message`. Kept out of line of hot loops.
[[noreturn]] inline void raise(std::string code, const std::string& message) {
  throw error(std::move(code), message);
}

/// Re-raises `e` with `context` (e.g. "record 12, field 'summary'") put in front of its message,
/// keeping the code: `[precis.invalid_utf8] record 12, field 'summary': invalid UTF-8 at byte 7`.
[[noreturn]] inline void raise_with_context(const error& e, std::string_view context) {
  throw error(e.code(), std::string(context) + ": " + std::string(e.message()));
}

}  // namespace precis
