// sesrules: entry point. Subcommands live in cmd_<verb>.cc.
#include <cstdio>

int main() {
  std::puts("sesrules " SESRULES_VERSION);
  return 0;
}
