// Replays the fuzzers' seed corpus and every minimised crash they found
// through the same scenario code, in the normal build (any compiler, no
// libFuzzer). A crash found by fuzzing is fixed together with a file in
// regressions/<target>/ named after what broke.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <ostream>
#include <span>
#include <string>
#include <vector>

#include "decoder_round_trip.hpp"
#include "session_driver.hpp"

namespace starling::fuzz {
namespace {

namespace fs = std::filesystem;

struct Input {
  std::string name;  // for the test name: "<corpus|regressions>_<file>"
  fs::path path;
};

// Every file under corpus/<target>/ and regressions/<target>/, sorted.
std::vector<Input> inputs(const std::string& target) {
  std::vector<Input> found;
  for (const char* kind : {"corpus", "regressions"}) {
    fs::path dir = fs::path(STARLING_FUZZ_DIR) / kind / target;
    if (!fs::is_directory(dir)) continue;
    for (const auto& entry : fs::directory_iterator(dir)) {
      if (!entry.is_regular_file() || entry.path().filename().string().starts_with(".")) continue;
      std::string name = std::string(kind) + "_" + entry.path().filename().string();
      std::replace_if(
          name.begin(), name.end(), [](unsigned char c) { return std::isalnum(c) == 0; }, '_');
      found.push_back({name, entry.path()});
    }
  }
  std::sort(found.begin(), found.end(),
            [](const Input& a, const Input& b) { return a.name < b.name; });
  return found;
}

std::vector<std::uint8_t> read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string input_name(const testing::TestParamInfo<Input>& info) {
  return info.param.name;
}

// Keeps gtest from printing an Input as raw bytes in test names and failures.
void PrintTo(const Input& input, std::ostream* out) {
  *out << (input.path.parent_path().filename() / input.path.filename()).string();
}

class DecoderInput : public testing::TestWithParam<Input> {};
class SessionInput : public testing::TestWithParam<Input> {};

TEST_P(DecoderInput, ReencodesEveryAcceptedPacketToTheSamePacket) {
  std::vector<std::uint8_t> bytes = read_bytes(GetParam().path);
  EXPECT_EQ(check_decoder_round_trip(bytes), "");
}

TEST_P(SessionInput, LeavesTheBrokerWritingOnlyValidPackets) {
  std::vector<std::uint8_t> bytes = read_bytes(GetParam().path);
  EXPECT_EQ(drive_sessions(bytes), "");
}

INSTANTIATE_TEST_SUITE_P(Fuzz, DecoderInput, testing::ValuesIn(inputs("fuzz_decoder")), input_name);
INSTANTIATE_TEST_SUITE_P(Fuzz, SessionInput, testing::ValuesIn(inputs("fuzz_session")), input_name);

}  // namespace
}  // namespace starling::fuzz
