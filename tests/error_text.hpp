#pragma once
// The text of the precis::error a call raises, for tests that compare whole messages.
#include <functional>
#include <string>

#include "precis/error.hpp"

namespace precis_test {

/// What `f` raised (`e.what()` of a precis::error), or "(no error)" when it returned.
inline std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const precis::error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace precis_test
