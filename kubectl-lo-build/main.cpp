#include <iostream>
#include "lo/cli.hpp"
#include "lo/version.hpp"
int main() { return lo::guarded_main("kubectl-lo-build", [] { std::cout << "kubectl-lo-build " << lo::kVersion << "\n"; return 0; }); }
