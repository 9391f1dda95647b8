#include "config/option_values.hpp"

#include <gtest/gtest.h>

#include "util/log.hpp"

namespace starling {
namespace {

TEST(OptionValues, TheLogLevelNamesAreExactlyTheOnesTheLoggerAccepts) {
  for (std::string_view name : kLogLevels) {
    log::Level level;
    EXPECT_TRUE(log::parse_level(name, &level)) << name;
    EXPECT_TRUE(check_log_level(name).ok()) << name;
  }
  // One name per level, from kTrace to kOff.
  EXPECT_EQ(kLogLevels.size(), static_cast<std::size_t>(log::Level::kOff) + 1);
}

TEST(OptionValues, LogLevelsAreCaseSensitive) {
  EXPECT_FALSE(check_log_level("INFO").ok());
  EXPECT_FALSE(check_log_level("").ok());
}

TEST(OptionValues, ListenerTypesAreTheFiveSupported) {
  for (const char* type : {"tcp", "tls", "ws", "wss", "unix"}) {
    EXPECT_TRUE(check_listener_type(type).ok()) << type;
  }
  EXPECT_EQ(check_listener_type("quic").error().message,
            "unknown listener type 'quic' (supported: tcp, tls, ws, wss, unix)");
}

TEST(OptionValues, AListenersOptionsMustFitItsType) {
  ListenerOptions tls;
  tls.type = "tls";
  EXPECT_FALSE(check_listener(tls).ok()) << "no certificate";
  tls.cert_file = "c.pem";
  tls.key_file = "k.pem";
  EXPECT_TRUE(check_listener(tls).ok());
  tls.use_identity_as_username = true;
  EXPECT_FALSE(check_listener(tls).ok()) << "identity without a CA";
  tls.ca_file = "ca.pem";
  EXPECT_TRUE(check_listener(tls).ok());

  ListenerOptions unix_socket;
  unix_socket.type = "unix";
  unix_socket.bind = "/run/starling.sock";
  EXPECT_TRUE(check_listener(unix_socket).ok()) << "a path, not HOST:PORT";
  unix_socket.bind = std::string(108, 'x');
  EXPECT_FALSE(check_listener(unix_socket).ok());
}

TEST(OptionValues, ProtocolVersionsAreNamedAsInTheSpecs) {
  EXPECT_EQ(*parse_protocol_version("3.1"), 3);
  EXPECT_EQ(*parse_protocol_version("3.1.1"), 4);
  EXPECT_EQ(*parse_protocol_version("5"), 5);
  EXPECT_FALSE(parse_protocol_version("4").ok());
}

TEST(OptionValues, TheDataDirMustNotBeEmpty) {
  EXPECT_TRUE(check_data_dir("/var/lib/starling").ok());
  EXPECT_EQ(check_data_dir("").error().message, "must not be empty");
}

}  // namespace
}  // namespace starling
