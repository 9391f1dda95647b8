#pragma once
// One client's network connection, as the MQTT protocol sees it: CONNECT and
// its checks, then every packet the client sends, and the packets the broker
// sends it. Bytes in through on_bytes(), bytes out through the Transport; no
// I/O of its own.
//
// Threading: created, driven and destroyed on one shard's thread.
// Lifetime: owned by the net layer's connection through a shared_ptr; the
// session holds a raw pointer only while attached (cleared in on_closed).
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/message.hpp"
#include "core/session.hpp"
#include "core/transport.hpp"
#include "protocol/decoder.hpp"
#include "plugin_host/plugin_host.hpp"
#include "protocol/packets.hpp"
#include "routing/subscription_options.hpp"
#include "session/outbound_flow.hpp"
#include "storage/store.hpp"
#include "util/log.hpp"
#include "util/token_bucket.hpp"
#include "starling/options.hpp"

namespace starling {

class BrokerCore;
class Shard;

class ClientConnection : public session::OutboundSink,
                         public std::enable_shared_from_this<ClientConnection> {
 public:
  ClientConnection(Shard& shard, Transport& transport, std::uint64_t number,
                   const ListenerOptions& listener, TimePoint now);
  ~ClientConnection() override;
  ClientConnection(const ClientConnection&) = delete;
  ClientConnection& operator=(const ClientConnection&) = delete;

  // Feeds received bytes; a partial packet is kept until the rest arrives.
  void on_bytes(std::span<const std::uint8_t> bytes, TimePoint now);
  // After Transport::pause_reading: handles the input held back meanwhile.
  void on_reading_resumed(TimePoint now);
  // The transport's own handshake (TLS, WebSocket) failed; it closes next.
  void on_handshake_failed(const std::string& reason);
  // The transport is gone (peer closed, error, or after close()).
  void on_closed(TimePoint now);
  // The transport wrote `count` bytes of output to the client (statistics).
  void on_bytes_written(std::size_t count);
  // Once a second from the shard: keep-alive and CONNECT timeouts.
  void on_tick(TimePoint now);
  // The broker ends this connection: takeover (0x8E), shutdown (0x8B), ...
  // Sends DISCONNECT to v5 clients and closes; the will is handled as for
  // any abnormal end.
  void disconnect(protocol::ReasonCode reason, TimePoint now);

  // Writes what has been encoded (called after a batch of deliveries),
  // unless output is held for a durable store write.
  void flush() {
    if (holds_ == 0) transport_.flush();
  }
  // Holds all output (what is encoded now and later) until the returned
  // completion runs; on a store failure the held output is discarded and
  // the client disconnected, so nothing unstored is ever acknowledged.
  storage::Store::Completion hold_output();

  // session::OutboundSink
  SendResult send_publish(const session::Delivery& delivery, std::uint16_t packet_id, bool dup,
                          TimePoint now) override;
  void send_pubrel(std::uint16_t packet_id) override;
  void acknowledged(const session::Delivery& delivery) override;

  std::uint64_t number() const { return number_; }
  const std::string& client_id() const { return client_id_; }
  protocol::Version version() const { return version_; }
  // For the admin API (owner thread): as the CONNECT set them.
  const std::optional<std::string>& username() const { return username_; }
  std::uint16_t keep_alive() const { return keep_alive_; }
  const std::string& peer() const { return transport_.peer(); }
  const ListenerOptions& listener() const { return listener_; }

 private:
  enum class State { kAwaitConnect, kConnecting, kConnected, kClosing };

  // In scope at every entry point: log lines name this connection and client.
  log::ClientContext log_context() const { return log::ClientContext(number_, &client_id_); }

  // Returns false when the connection must stop processing input.
  bool handle_frame(const protocol::Frame& frame, std::span<const std::uint8_t> body,
                    TimePoint now);
  bool handle_connect(protocol::Connect connect, TimePoint now);
  // After the CONNECT's checks and authentication: takes the session.
  bool accept_connect(protocol::Connect connect, TimePoint now);
  void attach(Session& session, bool session_present, TimePoint now);
  bool handle_publish(protocol::Publish publish, TimePoint now);
  // After the PUBLISH's checks and authorization: routes and acknowledges.
  bool accept_publish(protocol::Publish publish, TimePoint now);
  // An authorized or refused PUBLISH is acknowledged with `reason`
  // (v3.1.1: acknowledged, since it has no negative acknowledgement).
  void acknowledge_dropped(std::uint8_t qos, std::uint16_t packet_id, protocol::ReasonCode reason);
  bool handle_puback(const protocol::Puback& ack, TimePoint now);
  bool handle_pubrec(const protocol::Pubrec& ack, TimePoint now);
  bool handle_pubrel(const protocol::Pubrel& rel);
  bool handle_pubcomp(const protocol::Pubcomp& ack, TimePoint now);
  bool handle_subscribe(protocol::Subscribe subscribe);
  // `refused[i]` set: entry i was refused by a plugin with that reason.
  void apply_subscribe(protocol::Subscribe subscribe,
                       std::vector<std::optional<protocol::ReasonCode>> refused);
  bool handle_unsubscribe(protocol::Unsubscribe unsubscribe);
  bool handle_disconnect(const protocol::Disconnect& disconnect);
  // Within limits.max_topic_length and max_topic_levels.
  bool within_topic_limits(std::string_view topic) const;
  // `filter` below the listener's mount point ("$share/g/f": "$share/g/<mount>f").
  std::string mounted_filter(std::string_view filter) const;

  // --- plugin gates (client_connection_plugins.cpp) ---
  using ResumeChain = std::function<plugin_host::Verdict(std::size_t from)>;
  using FinishVerdict = std::function<void(const plugin_host::Verdict&)>;
  struct PendingVerdict {
    std::uint64_t ticket = 0;
    std::size_t plugin = 0;
    TimePoint deadline;
    ResumeChain resume;
    FinishVerdict finish;
  };
  starling_client plugin_client() const;
  bool authenticate(protocol::Connect connect);
  bool authorize_publish(protocol::Publish publish, TimePoint now);
  bool authorize_subscribe(protocol::Subscribe subscribe);
  struct SubscribeCall;
  void continue_subscribe(const std::shared_ptr<SubscribeCall>& call,
                          const plugin_host::Verdict* decided);
  bool delivery_allowed(const Message& message, std::uint8_t qos, bool retain);
  // A plugin refused or dropped `publish`: counted, and told to drop hooks.
  void note_denied(const protocol::Publish& publish);
  // Routes the PUBLISH through the on_publish hooks; false: dropped.
  bool pass_on_publish(protocol::Publish& publish, std::uint8_t ack_qos, std::uint16_t packet_id);
  // The on_subscribe hooks for each entry not refused yet: they may change
  // its filter and QoS, or refuse it (its SUBACK code in `refused`).
  void pass_on_subscribe(protocol::Subscribe& subscribe,
                         std::vector<std::optional<protocol::ReasonCode>>& refused);
  // The on_unsubscribe hooks for one filter, which they may change. The
  // UNSUBACK code when a plugin keeps the subscription, else nullopt.
  std::optional<protocol::ReasonCode> pass_on_unsubscribe(std::string& filter);
  // The SUBACK code for a filter a plugin refused.
  protocol::ReasonCode refused_subscription(const plugin_host::Verdict& verdict) const;
  // Waits for a pending hook with input paused; `finish` then gets the
  // chain's verdict (resumed after the pending plugin, as needed).
  void await_verdict(const plugin_host::Verdict& pending, ResumeChain resume, FinishVerdict finish);
  void on_plugin_answer(std::uint64_t ticket, plugin_host::Answer answer);
  void settle_verdict(PendingVerdict call, plugin_host::Verdict verdict);
  void notify_plugins_connected(bool session_present);
  void notify_plugins_disconnected();

  void send(const protocol::Packet& packet);
  void release_output(const Status& status);
  void refuse_connect(protocol::ReasonCode reason, std::string why);
  // Protocol violation: v5 DISCONNECT with `reason`, v3 plain close.
  bool fail(protocol::ReasonCode reason, std::string why);
  void close_transport();
  void log_end(const char* how) const;
  // How the connection ended, for the presence event (set before detach_session).
  void set_end_reason(const char* reason, std::optional<protocol::ReasonCode> code = std::nullopt,
                      std::string detail = {});
  // Presence: counts the client as connected and, with presence_events,
  // publishes $SYS/clients/<id>/connected (attach), or the reverse once it is
  // gone (after detach_session).
  void announce_connected(bool session_present);
  void announce_disconnected();
  // The connection ended without a normal DISCONNECT: will and expiry rules.
  void detach_session(TimePoint now);
  void deliver_retained(Session& session, const std::string& filter,
                        const routing::SubscriptionOptions& options, TimePoint now);
  // Claims the session for the CONNECT being handled and attaches to it,
  // possibly after it moved here from another shard.
  void claim_session(bool clean_start, TimePoint now);
  void process_input(std::span<const std::uint8_t> bytes, TimePoint now);
  bool buffering_input() const {
    return state_ == State::kConnecting || input_paused_ || rate_paused_;
  }
  // Charges a PUBLISH of `bytes` to the client's rate limits; true when it
  // went over them, and reading is paused.
  bool over_publish_rate(std::size_t bytes, TimePoint now);
  void resume_input(TimePoint now);
  // Drops the reason string if it would make `packet` larger than the
  // client's Maximum Packet Size (v5 3.1.2-24).
  template <typename Packet>
  void fit_reason_string(Packet& packet);

  Shard& shard_;
  BrokerCore& core_;
  Transport& transport_;
  const std::uint64_t number_;
  const ListenerOptions& listener_;
  State state_ = State::kAwaitConnect;
  protocol::Version version_ = protocol::Version::kV311;
  std::string client_id_;
  TimePoint accepted_at_;
  TimePoint last_received_;
  std::uint16_t keep_alive_ = 0;  // seconds, as enforced
  SessionPtr session_;
  bool normal_disconnect_ = false;   // DISCONNECT 0x00 received: no will
  bool ended_by_broker_ = false;     // disconnect(): takeover, shutdown, admin
  bool ended_by_client_ = false;     // a DISCONNECT packet, with or without will
  std::optional<std::string> username_;
  // Presence: counted in clients_connected since attach(); the retained
  // connected message this connection published (cleared when it ends, unless
  // a newer connection of the client replaced it); how the connection ended.
  bool counted_connected_ = false;
  MessagePtr presence_connected_;
  const char* end_reason_ = nullptr;  // the first one set wins; none: "connection_lost"
  std::optional<protocol::ReasonCode> end_reason_code_;
  std::string end_detail_;
  bool connect_clean_start_ = true;
  std::unique_ptr<PendingVerdict> pending_verdict_;  // a plugin answers later
  bool closed_ = false;
  int holds_ = 0;  // durable store writes the output waits for
  // A SUBSCRIBE or UNSUBSCRIBE is being applied to every shard: later
  // packets wait, so they see its effect (packets are handled in order).
  bool input_paused_ = false;
  bool certificate_authenticated_ = false;  // username taken from a verified certificate
  bool rate_paused_ = false;  // over limits.publish_rate or publish_bytes_rate
  struct RateLimits {
    TokenBucket messages;
    TokenBucket bytes;
  };
  std::unique_ptr<RateLimits> rate_limits_;  // only when a limit is set
  std::uint32_t connect_session_expiry_ = 0;
  std::optional<protocol::Will> connect_will_;
  std::uint16_t window_ = 65535;      // outbound in-flight window
  bool client_id_assigned_ = false;
  bool keep_alive_changed_ = false;
  bool session_expiry_capped_ = false;
  // Client's limits (v5), or defaults.
  std::uint32_t client_max_packet_size_ = 268435460;
  std::uint16_t client_topic_alias_maximum_ = 0;
  // Inbound topic aliases: alias -> topic (index 0 unused).
  std::vector<std::string> inbound_aliases_;
  // Outbound topic aliases we assigned: topic -> alias.
  std::unordered_map<std::string, std::uint16_t> outbound_aliases_;
  // Received bytes not yet processed: a partial packet, or packets that
  // arrived while the session was being attached.
  std::string input_;
};

}  // namespace starling
