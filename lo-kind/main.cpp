#include <iostream>
#include "lo/cli.hpp"
#include "lo/version.hpp"
int main() { return lo::guarded_main("lo-kind", [] { std::cout << "lo-kind " << lo::kVersion << "\n"; return 0; }); }
