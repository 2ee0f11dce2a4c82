// Scenario files (cli/scenario.cc): ParseScenario with includes resolved
// from the repository's labs/, then ExpandParams / ExpandText of every step
// (with a server time, so ${serverTime+N} and wrapKeyMaterial run too) and
// LookupPath. Input: line 1 a dotted path for LookupPath
// ("Grants[0].GrantId"); the rest the scenario JSON, which is also the
// document LookupPath reads.
#include <cstddef>
#include <cstdint>
#include <string>

#include "cli/scenario.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace kmslab;
  fuzz::FuzzInput input(data, size);
  const std::string path(input.Line());
  const std::string text(input.Rest());
  if (!fuzz::NestingAtMost(text, 64)) return 0;
  (void)cli::LookupPath(text, path);
  static const std::vector<std::string> include_dirs = {KMSLAB_FUZZ_LABS};
  auto scenario = cli::ParseScenario(text, "fuzz.json", include_dirs);
  if (!scenario.ok()) return 0;
  const cli::SavedValues saved = {{"keyId", "1234abcd-12ab-34cd-56ef-1234567890ab"}, {"name", "${name}"}};
  constexpr int64_t kServerSeconds = 1700000000;
  for (const auto* steps : {&scenario->setup, &scenario->steps}) {
    for (const cli::Step& step : *steps) {
      (void)cli::ExpandParams(step.params_json, saved, kServerSeconds);
      (void)cli::ExpandText(step.expect.message, saved, kServerSeconds);
      for (const auto& [name, value] : step.expect.values) (void)cli::ExpandText(value, saved, kServerSeconds);
    }
  }
  return 0;
}
