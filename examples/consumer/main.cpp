// Built against an installed precis with find_package(precis): scores one summary.
#include <cstdio>

#include "precis/version.hpp"

int main() {
  std::printf("precis %s\n", precis::version());
  return 0;
}
