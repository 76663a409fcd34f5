#include <iostream>
#include "lo/cli.hpp"
#include "lo/version.hpp"
int main() { return lo::guarded_main("kubectl-lo-deploy", [] { std::cout << "kubectl-lo-deploy " << lo::kVersion << "\n"; return 0; }); }
