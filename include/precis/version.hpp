#pragma once
/// @file version.hpp
#define PRECIS_VERSION_MAJOR 0
#define PRECIS_VERSION_MINOR 1
#define PRECIS_VERSION_PATCH 0
#define PRECIS_VERSION_STRING "0.1.0"

namespace precis {
/// The library's version, "MAJOR.MINOR.PATCH" (the one the binary was built from).
const char* version() noexcept;
}  // namespace precis
