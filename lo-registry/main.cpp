#include <iostream>
#include "lo/cli.hpp"
#include "lo/version.hpp"
int main() { return lo::guarded_main("lo-registry", [] { std::cout << "lo-registry " << lo::kVersion << "\n"; return 0; }); }
