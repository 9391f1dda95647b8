#include "admin/metrics.hpp"

#include <gtest/gtest.h>

#include "core/broker_core.hpp"

namespace starling::admin {
namespace {

bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos || text.starts_with(line + "\n");
}

TEST(RenderMetrics, EveryFamilyHasHelpAndTypeAndCountersShowTheirValues) {
  BrokerCore core{Options{}};
  BrokerStats& stats = core.stats();
  stats.connections_current = 3;
  stats.connections_total = 7;
  stats.messages_received_by_qos[1] = 5;
  stats.messages_sent_by_qos[2] = 4;
  stats.messages_dropped_expired = 2;
  stats.bytes_received = 1234;
  const std::string text = render_metrics(core, {}, SessionFigures{2, 1, 6, 9, 90, 3});

  EXPECT_TRUE(has_line(text, "# TYPE starling_connections gauge"));
  EXPECT_TRUE(has_line(text, "starling_connections 3"));
  EXPECT_TRUE(has_line(text, "# TYPE starling_connections_total counter"));
  EXPECT_TRUE(has_line(text, "starling_connections_total 7"));
  EXPECT_TRUE(has_line(text, "starling_messages_received_total{qos=\"1\"} 5"));
  EXPECT_TRUE(has_line(text, "starling_messages_received_total{qos=\"0\"} 0"));
  EXPECT_TRUE(has_line(text, "starling_messages_sent_total{qos=\"2\"} 4"));
  EXPECT_TRUE(has_line(text, "starling_messages_dropped_total{reason=\"expired\"} 2"));
  EXPECT_TRUE(has_line(text, "starling_bytes_received_total 1234"));
  EXPECT_TRUE(has_line(text, "starling_sessions 2"));
  EXPECT_TRUE(has_line(text, "starling_sessions_online 1"));
  EXPECT_TRUE(has_line(text, "starling_subscriptions 6"));
  EXPECT_TRUE(has_line(text, "starling_queued_messages 9"));
  EXPECT_TRUE(has_line(text, "starling_queued_bytes 90"));
  EXPECT_TRUE(has_line(text, "starling_inflight_messages 3"));
  // No store and no plugins: those families are left out.
  EXPECT_EQ(text.find("starling_storage_"), std::string::npos);
  EXPECT_EQ(text.find("starling_plugin_hook_seconds"), std::string::npos);
  // A HELP line before every TYPE line.
  std::size_t types = 0;
  for (std::size_t at = text.find("# TYPE "); at != std::string::npos;
       at = text.find("# TYPE ", at + 1)) {
    ++types;
    const std::string name = text.substr(at + 7, text.find(' ', at + 7) - at - 7);
    EXPECT_NE(text.find("# HELP " + name + " "), std::string::npos) << name;
  }
  EXPECT_GT(types, 15u);
  EXPECT_EQ(text.back(), '\n');
}

TEST(RenderMetrics, ListenerLabelsAreEscaped) {
  BrokerCore core{Options{}};
  const std::string text =
      render_metrics(core, {{"unix:/tmp/a\"b\\c", 2, 10, 1}, {"tcp://0.0.0.0:1883", 0, 0, 0}}, {});
  EXPECT_TRUE(
      has_line(text, "starling_listener_connections{listener=\"unix:/tmp/a\\\"b\\\\c\"} 2"));
  EXPECT_TRUE(
      has_line(text, "starling_listener_accepted_total{listener=\"unix:/tmp/a\\\"b\\\\c\"} 10"));
  EXPECT_TRUE(has_line(text, "starling_listener_refused_total{listener=\"tcp://0.0.0.0:1883\"} 0"));
}

}  // namespace
}  // namespace starling::admin
