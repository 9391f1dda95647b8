#pragma once
// The list of conformance tests: one entry per normative statement of a
// protocol version, either a check to run or a recorded reason why the
// statement cannot be checked against a server (it binds only clients, or it
// is about a transport the suite does not speak).
#include <functional>
#include <string>
#include <vector>

#include "protocol/version.hpp"

namespace starling::conformance {

class Context;

enum class Verdict { kPass, kFail, kNotApplicable };

struct Outcome {
  Verdict verdict = Verdict::kPass;
  std::string detail;  // why it failed, why it does not apply, or a note on a pass

  static Outcome pass(std::string note = {}) { return {Verdict::kPass, std::move(note)}; }
  static Outcome fail(std::string why) { return {Verdict::kFail, std::move(why)}; }
  static Outcome not_applicable(std::string why) {
    return {Verdict::kNotApplicable, std::move(why)};
  }
};

using TestFunction = std::function<Outcome(Context&)>;

struct TestCase {
  protocol::Version version = protocol::Version::kV311;
  std::string id;           // the statement identifier, e.g. "MQTT-3.1.2-4"
  std::string description;  // one line: what the server must do
  TestFunction run;         // empty when the statement is not applicable
  std::string not_applicable_reason;

  // "3.1" for "MQTT-3.1.2-4", "4.7" for "MQTT-4.7.1-2".
  std::string chapter() const;
};

class Registry {
 public:
  void add(protocol::Version version, std::string id, std::string description, TestFunction run);
  // Registers the same check under each version's identifier, for statements
  // the two specifications share (the numbering often differs).
  void add_both(std::string id_v311, std::string id_v5, std::string description,
                std::function<Outcome(Context&, protocol::Version)> run);
  void not_applicable(protocol::Version version, std::string id, std::string description,
                      std::string reason);

  const std::vector<TestCase>& cases() const { return cases_; }

 private:
  std::vector<TestCase> cases_;
};

// One function per area fills the registry (statements/*.cpp).
void register_connect(Registry& registry);
void register_publish(Registry& registry);
void register_qos(Registry& registry);
void register_subscribe(Registry& registry);
void register_control(Registry& registry);
void register_topics(Registry& registry);
void register_session(Registry& registry);
void register_v5_properties(Registry& registry);
void register_not_applicable(Registry& registry);

}  // namespace starling::conformance
