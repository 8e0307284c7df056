#include "precis/version.hpp"

namespace precis {
const char* version() noexcept { return PRECIS_VERSION_STRING; }
}  // namespace precis
