// conformance_suite: checks a running broker against the normative statements
// of MQTT 3.1.1 and 5.0 at the packet level. See conformance/README.md.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "suite/client.hpp"
#include "suite/context.hpp"
#include "suite/registry.hpp"

namespace {

using namespace starling::conformance;
using starling::protocol::Version;

constexpr const char* kUsage =
    "usage: conformance_suite --host H --port P [--version 3.1.1|5|all] [--filter SUBSTR]\n"
    "                         [--jobs N] [--wait-ms MS] [--quiet-ms MS] [--list]\n";

struct Arguments {
  RunOptions run;
  std::string version = "all";
  std::string filter;
  unsigned jobs = 8;
  bool list = false;
};

bool parse(int argc, char** argv, Arguments& args) {
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    if (flag == "--list") {
      args.list = true;
      continue;
    }
    if (flag == "--help" || flag == "-h") return false;
    if (i + 1 >= argc) return false;
    std::string value = argv[++i];
    if (flag == "--host") {
      args.run.host = value;
    } else if (flag == "--port") {
      args.run.port = static_cast<std::uint16_t>(std::stoul(value));
    } else if (flag == "--version") {
      if (value != "3.1.1" && value != "5" && value != "5.0" && value != "all") return false;
      args.version = value;
    } else if (flag == "--filter") {
      args.filter = value;
    } else if (flag == "--jobs") {
      args.jobs = std::max(1u, static_cast<unsigned>(std::stoul(value)));
    } else if (flag == "--wait-ms") {
      args.run.wait = Millis{std::stol(value)};
    } else if (flag == "--quiet-ms") {
      args.run.quiet = Millis{std::stol(value)};
    } else {
      return false;
    }
  }
  return true;
}

const char* version_name(Version v) {
  return v == Version::kV5 ? "5.0" : "3.1.1";
}

std::string random_run_id() {
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::random_device device;
  std::string id;
  for (int i = 0; i < 5; ++i) id += kAlphabet[device() % (sizeof kAlphabet - 1)];
  return id;
}

// Sorts "3.10" after "3.9" and "3.1.2-10" after "3.1.2-9".
bool chapter_less(const std::string& a, const std::string& b) {
  auto split = [](const std::string& s) {
    std::vector<int> parts;
    std::size_t start = 0;
    while (start <= s.size()) {
      auto end = s.find_first_of(".-", start);
      if (end == std::string::npos) end = s.size();
      parts.push_back(std::atoi(s.substr(start, end - start).c_str()));
      start = end + 1;
    }
    return parts;
  };
  return split(a) < split(b);
}

struct Tally {
  int passed = 0, failed = 0, not_applicable = 0;
  int covered() const { return passed + failed; }
};

}  // namespace

int main(int argc, char** argv) {
  Arguments args;
  try {
    if (!parse(argc, argv, args)) {
      std::cerr << kUsage;
      return 2;
    }
  } catch (const std::exception&) {
    std::cerr << kUsage;
    return 2;
  }

  Registry registry;
  register_connect(registry);
  register_publish(registry);
  register_qos(registry);
  register_subscribe(registry);
  register_control(registry);
  register_topics(registry);
  register_session(registry);
  register_v5_properties(registry);
  register_not_applicable(registry);

  std::vector<const TestCase*> selected;
  for (const TestCase& test : registry.cases()) {
    if (args.version == "3.1.1" && test.version != Version::kV311) continue;
    if ((args.version == "5" || args.version == "5.0") && test.version != Version::kV5) continue;
    if (!args.filter.empty() && test.id.find(args.filter) == std::string::npos &&
        test.description.find(args.filter) == std::string::npos) {
      continue;
    }
    selected.push_back(&test);
  }
  std::stable_sort(selected.begin(), selected.end(), [](const TestCase* a, const TestCase* b) {
    if (a->version != b->version) return a->version < b->version;
    return chapter_less(a->id.substr(5), b->id.substr(5));
  });
  if (args.list) {
    for (const TestCase* t : selected) {
      std::cout << version_name(t->version) << " " << t->id << "  " << t->description << "\n";
    }
    return 0;
  }

  Context ctx(args.run, random_run_id());
  std::cout << "conformance run " << ctx.run_id() << " against " << args.run.host << ":"
            << args.run.port << ", " << selected.size() << " statements\n";

  std::vector<Outcome> outcomes(selected.size());
  std::vector<bool> done(selected.size(), false);
  std::mutex mutex;
  std::size_t next_to_run = 0, next_to_print = 0;
  const auto started = std::chrono::steady_clock::now();

  auto print_ready = [&] {  // REQUIRES: mutex held
    while (next_to_print < selected.size() && done[next_to_print]) {
      const TestCase& t = *selected[next_to_print];
      const Outcome& o = outcomes[next_to_print];
      const char* tag = o.verdict == Verdict::kPass   ? "PASS"
                        : o.verdict == Verdict::kFail ? "FAIL"
                                                      : "N/A ";
      std::cout << tag << " [" << version_name(t.version) << "] " << t.id << "  " << t.description
                << "\n";
      if (!o.detail.empty()) {
        std::cout << "       " << (o.verdict == Verdict::kFail ? "failure: " : "note: ") << o.detail
                  << "\n";
      }
      std::cout.flush();
      ++next_to_print;
    }
  };

  auto worker = [&] {
    for (;;) {
      std::size_t index;
      {
        std::lock_guard lock(mutex);
        if (next_to_run >= selected.size()) return;
        index = next_to_run++;
      }
      const TestCase& t = *selected[index];
      Outcome o = t.run ? t.run(ctx) : Outcome::not_applicable(t.not_applicable_reason);
      std::lock_guard lock(mutex);
      outcomes[index] = std::move(o);
      done[index] = true;
      print_ready();
    }
  };
  std::vector<std::thread> threads;
  for (unsigned i = 0; i < args.jobs; ++i) threads.emplace_back(worker);
  for (auto& t : threads) t.join();

  // Per version, per chapter.
  std::map<Version, std::map<std::string, Tally, decltype(&chapter_less)>> report;
  Tally total;
  for (std::size_t i = 0; i < selected.size(); ++i) {
    auto& by_chapter = report.try_emplace(selected[i]->version, &chapter_less).first->second;
    Tally& tally = by_chapter[selected[i]->chapter()];
    Tally* both[] = {&tally, &total};
    for (Tally* x : both) {
      switch (outcomes[i].verdict) {
        case Verdict::kPass:
          ++x->passed;
          break;
        case Verdict::kFail:
          ++x->failed;
          break;
        case Verdict::kNotApplicable:
          ++x->not_applicable;
          break;
      }
    }
  }
  for (auto& [version, chapters] : report) {
    Tally sum;
    std::printf("\nMQTT %s by chapter     covered  passed  failed  n/a\n", version_name(version));
    for (auto& [chapter, t] : chapters) {
      std::printf("  %-20s %7d %7d %7d %4d\n", chapter.c_str(), t.covered(), t.passed, t.failed,
                  t.not_applicable);
      sum.passed += t.passed;
      sum.failed += t.failed;
      sum.not_applicable += t.not_applicable;
    }
    std::printf("  %-20s %7d %7d %7d %4d\n", "total", sum.covered(), sum.passed, sum.failed,
                sum.not_applicable);
  }
  const auto seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("\n%d not applicable; %.1f s\n", total.not_applicable, seconds);
  std::printf("%d passed, %d failed\n", total.passed, total.failed);
  return total.failed == 0 ? 0 : 1;
}
