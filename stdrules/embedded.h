// The bundled rule pack, embedded at build time by stdrules/embed.cmake.
#pragma once
#include <cstddef>

namespace sesrules::stdrules {

struct EmbeddedFile {
  const char* path;  // "stdrules/ses_recon.rules"
  const char* text;
};

extern const char* const kPackVersion;
extern const EmbeddedFile kFiles[];
extern const std::size_t kFileCount;

}  // namespace sesrules::stdrules
