#include <iostream>
#include "lo/cli.hpp"
#include "lo/version.hpp"
int main() { return lo::guarded_main("kubectl-lo", [] { std::cout << "kubectl-lo " << lo::kVersion << "\n"; return 0; }); }
