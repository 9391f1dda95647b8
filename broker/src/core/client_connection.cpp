#include "core/client_connection.hpp"

#include <algorithm>
#include <utility>

#include "core/broker_core.hpp"
#include "core/drop_events.hpp"
#include "core/presence.hpp"
#include "core/shard.hpp"
#include "protocol/encoder.hpp"
#include "protocol/reason_code_rules.hpp"
#include "protocol/utf8.hpp"
#include "routing/topic.hpp"
#include "util/log.hpp"

namespace starling {

using protocol::ReasonCode;
using protocol::Version;

namespace {

constexpr std::uint32_t kNoExpiry = 0xFFFFFFFF;
constexpr std::size_t kMaxOutboundAliases = 1024;

// The broker's own tree ($SYS/broker statistics, $SYS/clients presence):
// clients may subscribe to it but not publish into it (as with Mosquitto).
bool is_broker_topic(std::string_view topic) {
  return topic == "$SYS" || topic.starts_with("$SYS/");
}

// Seconds until `at`, rounded up, at least 1 (0 would mean "no expiry").
std::uint32_t seconds_until(TimePoint at, TimePoint now) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(at - now).count();
  return static_cast<std::uint32_t>(std::max<long long>(1, (ms + 999) / 1000));
}

}  // namespace

ClientConnection::ClientConnection(Shard& shard, Transport& transport, std::uint64_t number,
                                   const ListenerOptions& listener, TimePoint now)
    : shard_(shard),
      core_(shard.core()),
      transport_(transport),
      number_(number),
      listener_(listener),
      accepted_at_(now),
      last_received_(now) {
  const LimitOptions& limits = core_.options().limits;
  if (limits.publish_rate != 0 || limits.publish_bytes_rate != 0) {
    rate_limits_ = std::make_unique<RateLimits>(
        RateLimits{TokenBucket(limits.publish_rate), TokenBucket(limits.publish_bytes_rate)});
  }
  shard_.add_connection(this);
  BrokerStats::add(core_.stats().connections_total);
  core_.stats().connections_current.fetch_add(1, std::memory_order_relaxed);
}

ClientConnection::~ClientConnection() {
  // No presence event: the event loop is going away with nothing to route on.
  if (counted_connected_) core_.stats().client_detached();
  if (!closed_) {
    // The event loop is being torn down: leave the session consistent.
    closed_ = true;
    shard_.remove_connection(this);
    if (session_ && session_->connection == this) {
      session_->connection = nullptr;
      session_->set_online(false);
    }
  }
  core_.stats().connections_current.fetch_sub(1, std::memory_order_relaxed);
}

// --- input ---------------------------------------------------------------

void ClientConnection::on_bytes(std::span<const std::uint8_t> bytes, TimePoint now) {
  const log::ClientContext log_scope = log_context();
  BrokerStats::add(core_.stats().bytes_received, bytes.size());
  if (closed_ || state_ == State::kClosing) return;
  if (buffering_input() || !input_.empty()) {
    input_.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    if (buffering_input()) {
      if (input_.size() > 2 * std::size_t{core_.options().limits.max_packet_size}) {
        fail(ReasonCode::kPacketTooLarge, "too much data sent ahead");
      }
      return;
    }
    std::string buffered = std::move(input_);
    input_.clear();
    process_input({reinterpret_cast<const std::uint8_t*>(buffered.data()), buffered.size()}, now);
    return;
  }
  process_input(bytes, now);
}

void ClientConnection::process_input(std::span<const std::uint8_t> bytes, TimePoint now) {
  std::size_t offset = 0;
  while (offset < bytes.size() && !closed_ && state_ != State::kClosing) {
    if (buffering_input()) {
      input_.append(reinterpret_cast<const char*>(bytes.data() + offset), bytes.size() - offset);
      return;
    }
    auto rest = bytes.subspan(offset);
    auto framed = protocol::split_frame(rest, core_.options().limits.max_packet_size);
    if (framed.status == protocol::FrameStatus::kIncomplete) break;
    if (framed.status == protocol::FrameStatus::kMalformed) {
      fail(ReasonCode::kMalformedPacket, "malformed remaining length");
      return;
    }
    if (framed.status == protocol::FrameStatus::kTooLarge) {
      fail(ReasonCode::kPacketTooLarge, "packet larger than the maximum packet size");
      return;
    }
    const protocol::Frame& frame = framed.frame;
    auto body = rest.subspan(frame.header_size, frame.remaining_length);
    offset += frame.size();
    last_received_ = now;
    BrokerStats::add(core_.stats().packets_received);
    if (!handle_frame(frame, body, now)) return;
    if (frame.type() == protocol::PacketType::kPublish && rate_limits_ &&
        over_publish_rate(frame.size(), now)) {
      break;  // the rest waits in input_ until on_reading_resumed()
    }
  }
  if (offset < bytes.size() && !closed_ && state_ != State::kClosing) {
    input_.assign(reinterpret_cast<const char*>(bytes.data() + offset), bytes.size() - offset);
  }
  // Everything answered in this batch goes out in one write.
  if (session_) shard_.commit_journal(*session_);
  if (!closed_) flush();
}

bool ClientConnection::handle_frame(const protocol::Frame& frame,
                                    std::span<const std::uint8_t> body, TimePoint now) {
  if (state_ == State::kAwaitConnect) {
    if (frame.type() != protocol::PacketType::kConnect) {
      STARLING_LOG(kInfo) << transport_.peer() << ": first packet is not CONNECT; closing";
      close_transport();
      return false;
    }
    auto connect = protocol::decode_connect(frame, body);
    if (!connect.ok()) {
      auto reason = static_cast<ReasonCode>(connect.error().code);
      // The protocol level byte follows the protocol name ("MQTT": 6 bytes).
      if (body.size() > 6 && body[6] == 5) version_ = Version::kV5;
      if (reason == ReasonCode::kUnsupportedProtocolVersion || version_ == Version::kV5) {
        refuse_connect(reason, connect.error().message);
      } else {
        STARLING_LOG(kInfo) << transport_.peer() << ": bad CONNECT: " << connect.error().message;
        close_transport();
      }
      return false;
    }
    return handle_connect(std::move(connect).value(), now);
  }

  if (frame.type() == protocol::PacketType::kConnect) {
    // Refused before decoding: its errors are CONNACK codes, not DISCONNECT's.
    return fail(ReasonCode::kProtocolError, "second CONNECT");
  }
  auto decoded = protocol::decode(frame, body, version_);
  if (!decoded.ok()) {
    return fail(static_cast<ReasonCode>(decoded.error().code), decoded.error().message);
  }
  protocol::Packet& packet = decoded.value();
  switch (frame.type()) {
    case protocol::PacketType::kPublish:
      return handle_publish(std::move(std::get<protocol::Publish>(packet)), now);
    case protocol::PacketType::kPuback:
      return handle_puback(std::get<protocol::Puback>(packet), now);
    case protocol::PacketType::kPubrec:
      return handle_pubrec(std::get<protocol::Pubrec>(packet), now);
    case protocol::PacketType::kPubrel:
      return handle_pubrel(std::get<protocol::Pubrel>(packet));
    case protocol::PacketType::kPubcomp:
      return handle_pubcomp(std::get<protocol::Pubcomp>(packet), now);
    case protocol::PacketType::kSubscribe:
      return handle_subscribe(std::move(std::get<protocol::Subscribe>(packet)));
    case protocol::PacketType::kUnsubscribe:
      return handle_unsubscribe(std::move(std::get<protocol::Unsubscribe>(packet)));
    case protocol::PacketType::kPingreq:
      send(protocol::Pingresp{});
      return true;
    case protocol::PacketType::kDisconnect:
      return handle_disconnect(std::get<protocol::Disconnect>(packet));
    case protocol::PacketType::kAuth:
      // No enhanced authentication method is offered (CONNECT with one is
      // refused), so an AUTH packet is a protocol error.
      return fail(ReasonCode::kProtocolError, "AUTH without an authentication method");
    default:
      return fail(ReasonCode::kProtocolError, "packet type a client must not send");
  }
}

// --- CONNECT -------------------------------------------------------------

bool ClientConnection::handle_connect(protocol::Connect connect, TimePoint now) {
  const Options& options = core_.options();
  version_ = connect.version;
  const bool v5 = protocol::is_v5(version_);
  if (v5) {
    client_max_packet_size_ =
        connect.properties.maximum_packet_size.value_or(client_max_packet_size_);
  }
  const auto& allowed = listener_.protocol_versions;
  if (std::find(allowed.begin(), allowed.end(), protocol_level(version_)) == allowed.end()) {
    refuse_connect(ReasonCode::kUnsupportedProtocolVersion,
                   "protocol version not accepted on this listener");
    return false;
  }

  if (v5 && connect.properties.authentication_method) {
    refuse_connect(ReasonCode::kBadAuthenticationMethod, "no authentication method is supported");
    return false;
  }
  if (connect.client_id.empty()) {
    if (!options.mqtt.allow_zero_length_client_id || version_ == Version::kV31 ||
        (!v5 && !connect.clean_start)) {
      refuse_connect(ReasonCode::kClientIdentifierNotValid,
                     "a zero-length client id needs clean session");
      return false;
    }
    connect.client_id = core_.assign_client_id();
    client_id_assigned_ = true;
  } else if (version_ == Version::kV31 && connect.client_id.size() > 23) {
    refuse_connect(ReasonCode::kClientIdentifierNotValid, "MQTT 3.1 client ids are 1-23 bytes");
    return false;
  }
  if (connect.will) {
    const protocol::Will& will = *connect.will;
    if (!routing::is_valid_topic_name(will.topic) || !within_topic_limits(will.topic)) {
      refuse_connect(ReasonCode::kTopicNameInvalid, "invalid will topic");
      return false;
    }
    if (will.qos > options.mqtt.maximum_qos) {
      refuse_connect(ReasonCode::kQosNotSupported, "will QoS above the maximum QoS");
      return false;
    }
    if (will.retain && !options.mqtt.retain_available) {
      refuse_connect(ReasonCode::kRetainNotSupported, "retained wills are not available");
      return false;
    }
  }
  if (listener_.use_identity_as_username) {
    const PeerIdentity* identity = transport_.peer_identity();
    if (identity == nullptr || identity->common_name.empty()) {
      refuse_connect(ReasonCode::kNotAuthorized, "no client certificate with a common name");
      return false;
    }
    connect.username = identity->common_name;
    certificate_authenticated_ = true;
  }
  if (connect.will && !listener_.mount_point.empty()) {
    connect.will->topic.insert(0, listener_.mount_point);
  }
  if (connect.will && is_broker_topic(connect.will->topic)) {
    refuse_connect(ReasonCode::kNotAuthorized, "$SYS topics are the broker's; no will there");
    return false;
  }
  username_ = connect.username;
  const plugin_host::PluginHost* plugins = core_.plugins();
  if (plugins != nullptr && plugins->has_authenticate()) {
    client_id_ = connect.client_id;  // plugins see it
    return authenticate(std::move(connect));
  }
  if (!listener_.allow_anonymous && !certificate_authenticated_) {
    refuse_connect(ReasonCode::kNotAuthorized, "anonymous clients are not allowed here");
    return false;
  }
  return accept_connect(std::move(connect), now);
}

bool ClientConnection::accept_connect(protocol::Connect connect, TimePoint now) {
  const Options& options = core_.options();
  const bool v5 = protocol::is_v5(version_);
  client_id_ = std::move(connect.client_id);
  keep_alive_ = connect.keep_alive;
  const std::uint16_t max_keep_alive = options.mqtt.max_keep_alive;
  if (v5 && max_keep_alive < 65535 && (keep_alive_ == 0 || keep_alive_ > max_keep_alive)) {
    keep_alive_ = max_keep_alive;
    keep_alive_changed_ = true;
  }
  std::uint32_t requested_expiry =
      v5 ? connect.properties.session_expiry_interval.value_or(0)
         : (connect.clean_start ? 0 : kNoExpiry);
  connect_session_expiry_ = std::min(requested_expiry, options.mqtt.max_session_expiry);
  session_expiry_capped_ = v5 && connect_session_expiry_ != requested_expiry;
  window_ = options.limits.max_inflight;
  if (v5) {
    window_ = std::min<std::uint16_t>(window_, connect.properties.receive_maximum.value_or(65535));
    client_topic_alias_maximum_ = connect.properties.topic_alias_maximum.value_or(0);
  }
  connect_will_ = std::move(connect.will);
  connect_clean_start_ = connect.clean_start;

  STARLING_LOG(kInfo) << transport_.peer() << " connected (v"
                      << (version_ == Version::kV5 ? "5" : version_ == Version::kV311 ? "3.1.1" : "3.1")
                      << ", keep-alive " << keep_alive_ << "s, "
                      << (connect.clean_start ? "clean start" : "resume") << ")";
  state_ = State::kConnecting;
  claim_session(connect.clean_start, now);
  // Still connecting while a resumed session travels here: the caller keeps
  // buffering what follows the CONNECT.
  return state_ != State::kClosing;
}

void ClientConnection::claim_session(bool clean_start, TimePoint now) {
  auto claim = core_.claim_session(client_id_, clean_start, shard_);
  if (claim.replaced) {
    claim.replaced->run([&core = core_](Session& old) {
      TimePoint at = SteadyClock::now();
      if (old.connection != nullptr) old.connection->disconnect(ReasonCode::kSessionTakenOver, at);
      core.end_session(old);
    });
  }
  if (!claim.resumed) {
    attach(*claim.session, false, now);
    return;
  }
  std::weak_ptr<ClientConnection> weak = weak_from_this();
  Shard* here = &shard_;
  claim.session->run([weak, here, clean_start](Session& session) {
    TimePoint at = SteadyClock::now();
    // Taking the old connection over may end the session (expiry 0).
    if (session.connection != nullptr) {
      session.connection->disconnect(ReasonCode::kSessionTakenOver, at);
    }
    if (session.ended) {
      // It expired, was replaced, or ended with its connection: start over.
      here->executor().post([weak, clean_start] {
        if (auto self = weak.lock(); self && !self->closed_) {
          const log::ClientContext log_scope = self->log_context();
          self->claim_session(clean_start, SteadyClock::now());
        }
      });
      return;
    }
    session.migrate(here, [weak](Session& arrived) {
      TimePoint arrival = SteadyClock::now();
      if (auto self = weak.lock(); self && !self->closed_) {
        const log::ClientContext log_scope = self->log_context();
        self->attach(arrived, true, arrival);
        return;
      }
      // The new connection died while the session travelled: it is offline.
      Shard& owner = *arrived.owner();
      if (arrived.expiry_interval == 0) {
        owner.core().end_session(arrived);
      } else {
        if (arrived.expiry_interval != kNoExpiry) {
          arrived.expires_at = arrival + std::chrono::seconds(arrived.expiry_interval);
        }
        owner.watch_offline(arrived.shared_from_this());
      }
    });
  });
}

void ClientConnection::attach(Session& session, bool session_present, TimePoint now) {
  const Options& options = core_.options();
  session_ = session.shared_from_this();
  shard_.unwatch_offline(session_);
  session.connection = this;
  session.set_online(true);
  session.version = version_;
  session.will = std::move(connect_will_);
  session.will_delay =
      session.will ? session.will->properties.will_delay_interval.value_or(0) : 0;
  session.will_due_at.reset();  // a delayed will of the last connection is cancelled
  session.expires_at.reset();
  session.expiry_interval = connect_session_expiry_;
  session.outbound.set_window(window_);
  const bool keep_in_store = core_.store() != nullptr && connect_session_expiry_ > 0;
  if (session.persistent() && !keep_in_store) {
    storage::WriteBatch forget;
    forget.delete_session(client_id_);
    session.forget_in_store(*core_.store(), std::move(forget));
  } else if (keep_in_store) {
    session.set_persistent(true);
    core_.save_session(session, false);
  }
  state_ = State::kConnected;

  protocol::Connack connack;
  connack.session_present = session_present;
  if (protocol::is_v5(version_)) {
    protocol::Properties& p = connack.properties;
    p.receive_maximum = options.limits.receive_maximum;
    p.maximum_packet_size = options.limits.max_packet_size;
    if (options.mqtt.topic_alias_maximum > 0) p.topic_alias_maximum = options.mqtt.topic_alias_maximum;
    if (options.mqtt.maximum_qos < 2) p.maximum_qos = options.mqtt.maximum_qos;
    p.retain_available = options.mqtt.retain_available ? 1 : 0;
    p.wildcard_subscription_available = options.mqtt.wildcard_subscriptions ? 1 : 0;
    p.subscription_identifier_available = options.mqtt.subscription_identifiers ? 1 : 0;
    p.shared_subscription_available = options.mqtt.shared_subscriptions ? 1 : 0;
    if (client_id_assigned_) p.assigned_client_identifier = client_id_;
    if (keep_alive_changed_) p.server_keep_alive = keep_alive_;
    if (session_expiry_capped_) p.session_expiry_interval = connect_session_expiry_;
  }
  send(connack);
  if (session_present) session.outbound.resume(*this, now);
  flush();
  notify_plugins_connected(session_present);
  announce_connected(session_present);

  resume_input(now);
}

void ClientConnection::resume_input(TimePoint now) {
  if (input_.empty() || buffering_input() || closed_) return;
  std::string buffered = std::move(input_);
  input_.clear();
  process_input({reinterpret_cast<const std::uint8_t*>(buffered.data()), buffered.size()}, now);
}

void ClientConnection::refuse_connect(ReasonCode reason, std::string why) {
  STARLING_LOG(kInfo) << transport_.peer() << ": CONNECT refused ("
                      << protocol::to_string(reason) << "): " << why;
  protocol::Connack connack;
  connack.reason = reason;
  if (protocol::is_v5(version_)) {
    connack.properties.reason_string = std::move(why);
    fit_reason_string(connack);
  }
  send(connack);
  close_transport();
}

// --- PUBLISH and acknowledgements -----------------------------------------

bool ClientConnection::handle_publish(protocol::Publish publish, TimePoint now) {
  const Options& options = core_.options();
  const bool v5 = protocol::is_v5(version_);
  if (v5 && publish.properties.topic_alias) {
    std::uint16_t alias = *publish.properties.topic_alias;
    if (alias == 0 || alias > options.mqtt.topic_alias_maximum) {
      return fail(ReasonCode::kTopicAliasInvalid, "topic alias out of range");
    }
    if (publish.topic.empty()) {
      if (alias >= inbound_aliases_.size() || inbound_aliases_[alias].empty()) {
        return fail(ReasonCode::kProtocolError, "unknown topic alias");
      }
      publish.topic = inbound_aliases_[alias];
    } else {
      // Grown on use: most clients never send an alias.
      if (alias >= inbound_aliases_.size()) inbound_aliases_.resize(std::size_t{alias} + 1);
      inbound_aliases_[alias] = publish.topic;
    }
    publish.properties.topic_alias.reset();
  }
  if (publish.topic.empty()) {
    return fail(ReasonCode::kProtocolError, "empty topic name");
  }
  if (!routing::is_valid_topic_name(publish.topic)) {
    return fail(ReasonCode::kTopicNameInvalid, "wildcard in a PUBLISH topic");
  }
  if (!within_topic_limits(publish.topic)) {
    acknowledge_dropped(publish.qos, publish.packet_id, ReasonCode::kTopicNameInvalid);
    return true;
  }
  if (!listener_.mount_point.empty()) publish.topic.insert(0, listener_.mount_point);
  if (publish.qos > options.mqtt.maximum_qos) {
    return fail(ReasonCode::kQosNotSupported, "QoS above the maximum QoS");
  }
  if (publish.retain && !options.mqtt.retain_available) {
    return fail(ReasonCode::kRetainNotSupported, "retain is not available");
  }
  if (is_broker_topic(publish.topic)) {
    // Statistics and presence events must not be forged: refused, not routed.
    STARLING_LOG(kDebug) << "PUBLISH to '" << publish.topic << "' refused: $SYS is the broker's";
    acknowledge_dropped(publish.qos, publish.packet_id, ReasonCode::kNotAuthorized);
    return true;
  }
  if (v5 && publish.properties.payload_format_indicator.value_or(0) == 1 &&
      !protocol::is_valid_mqtt_utf8(publish.payload)) {
    // Refused, not routed; for QoS 0 there is nothing to answer.
    if (publish.qos == 1) send(protocol::Puback{publish.packet_id, ReasonCode::kPayloadFormatInvalid});
    if (publish.qos == 2) send(protocol::Pubrec{publish.packet_id, ReasonCode::kPayloadFormatInvalid});
    return true;
  }
  Session& session = *session_;
  if (publish.qos == 2) {
    if (session.inbound_qos2.contains(publish.packet_id)) {
      // A resend of a message already accepted: acknowledge, never route twice.
      send(protocol::Pubrec{publish.packet_id});
      return true;
    }
    if (session.inbound_qos2.size() >= options.limits.receive_maximum) {
      return fail(ReasonCode::kReceiveMaximumExceeded, "more QoS 2 messages than Receive Maximum");
    }
  }

  const plugin_host::PluginHost* plugins = core_.plugins();
  if (plugins != nullptr && plugins->has_authorize_publish()) {
    return authorize_publish(std::move(publish), now);
  }
  return accept_publish(std::move(publish), now);
}

bool ClientConnection::accept_publish(protocol::Publish publish, TimePoint now) {
  Session& session = *session_;
  BrokerStats::add(core_.stats().messages_received);
  BrokerStats::add(core_.stats().publish_bytes_received, publish.payload.size());
  const std::uint8_t qos = publish.qos;
  BrokerStats::add(core_.stats().messages_received_by_qos[qos % 3]);
  const std::uint16_t packet_id = publish.packet_id;
  const plugin_host::PluginHost* plugins = core_.plugins();
  if (plugins != nullptr && plugins->has_on_publish() && !pass_on_publish(publish, qos, packet_id)) {
    return true;
  }
  std::shared_ptr<Message> message = make_message(std::move(publish), client_id_, now);
  storage::Store* store = core_.store();
  storage::WriteBatch batch;
  storage::WriteBatch* writes = store != nullptr ? &batch : nullptr;
  if (message->retain) core_.retain(message, writes);
  std::size_t receivers = shard_.prepare_route(message, writes);
  if (qos == 2 && session.persistent()) {
    batch.put_inbound_qos2(storage::StoredInboundQos2{client_id_, packet_id});
  }
  if (!batch.empty()) {
    // The acknowledgement below waits until everything it promises is on disk.
    const bool wait = core_.sync_acks() && qos > 0;
    store->submit(std::move(batch), wait, wait ? hold_output() : storage::Store::Completion{});
  }
  shard_.deliver_prepared();

  if (receivers == 0 && wants_drop_events(core_)) {
    notify_dropped(core_, client_id_, message.get(), STARLING_DROP_NO_SUBSCRIBERS);
  }
  const bool v5 = protocol::is_v5(version_);
  ReasonCode reason = receivers == 0 && v5 ? ReasonCode::kNoMatchingSubscribers : ReasonCode::kSuccess;
  if (qos == 1) {
    send(protocol::Puback{packet_id, reason});
  } else if (qos == 2) {
    session.inbound_qos2.insert(packet_id);
    send(protocol::Pubrec{packet_id, reason});
  }
  return true;
}

bool ClientConnection::handle_puback(const protocol::Puback& ack, TimePoint now) {
  if (!session_->outbound.on_puback(ack.packet_id, *this, now)) {
    STARLING_LOG(kDebug) << "PUBACK for unknown packet id " << ack.packet_id;
  }
  return true;
}

bool ClientConnection::handle_pubrec(const protocol::Pubrec& ack, TimePoint now) {
  if (!session_->outbound.on_pubrec(ack.packet_id, protocol::is_failure(ack.reason), *this, now)) {
    send(protocol::Pubrel{ack.packet_id, ReasonCode::kPacketIdentifierNotFound});
  }
  return true;
}

bool ClientConnection::handle_pubrel(const protocol::Pubrel& rel) {
  bool known = session_->inbound_qos2.erase(rel.packet_id) > 0;
  if (known && session_->persistent()) {
    // PUBCOMP lets the client reuse the id: the record must be gone first.
    storage::WriteBatch batch;
    batch.delete_inbound_qos2(client_id_, rel.packet_id);
    const bool wait = core_.sync_acks();
    auto done = wait ? hold_output() : storage::Store::Completion{};
    if (!session_->persist(*core_.store(), std::move(batch), wait, done) && done) done(Status{});
  }
  send(protocol::Pubcomp{rel.packet_id,
                         known ? ReasonCode::kSuccess : ReasonCode::kPacketIdentifierNotFound});
  return true;
}

bool ClientConnection::handle_pubcomp(const protocol::Pubcomp& ack, TimePoint now) {
  if (!session_->outbound.on_pubcomp(ack.packet_id, *this, now)) {
    STARLING_LOG(kDebug) << "PUBCOMP for unknown packet id " << ack.packet_id;
  }
  return true;
}

// --- SUBSCRIBE / UNSUBSCRIBE ---------------------------------------------

bool ClientConnection::handle_subscribe(protocol::Subscribe subscribe) {
  if (!listener_.mount_point.empty()) {
    for (protocol::SubscribeEntry& entry : subscribe.entries) entry.filter = mounted_filter(entry.filter);
  }
  const plugin_host::PluginHost* plugins = core_.plugins();
  if (plugins != nullptr && plugins->has_authorize_subscribe()) {
    return authorize_subscribe(std::move(subscribe));
  }
  apply_subscribe(std::move(subscribe), {});
  return true;
}

void ClientConnection::apply_subscribe(protocol::Subscribe subscribe,
                                       std::vector<std::optional<ReasonCode>> refused) {
  const plugin_host::PluginHost* plugins = core_.plugins();
  if (plugins != nullptr && plugins->has_on_subscribe()) pass_on_subscribe(subscribe, refused);
  const Options& options = core_.options();
  const bool v5 = protocol::is_v5(version_);
  std::uint32_t subscription_id = 0;
  if (!subscribe.properties.subscription_identifiers.empty()) {
    if (!options.mqtt.subscription_identifiers) {
      fail(ReasonCode::kSubscriptionIdentifiersNotSupported,
           "subscription identifiers are not available");
      return;
    }
    subscription_id = subscribe.properties.subscription_identifiers.front();
  }

  struct Retained {
    std::string filter;
    routing::SubscriptionOptions options;
  };
  std::vector<ReasonCode> reasons;
  std::vector<SubscriptionChange> changes;
  std::vector<Retained> retained;
  Session& session = *session_;
  for (std::size_t index = 0; index < subscribe.entries.size(); ++index) {
    protocol::SubscribeEntry& entry = subscribe.entries[index];
    routing::SharedSubscription shared;
    auto kind = routing::parse_shared_subscription(entry.filter, &shared);
    SubscriptionChange change;
    bool valid = kind == routing::SharedParse::kShared ||
                 (kind == routing::SharedParse::kNotShared && routing::is_valid_topic_filter(entry.filter));
    if (valid && !within_topic_limits(entry.filter)) {
      // Well-formed but beyond this broker's limits: refused, not a violation.
      reasons.push_back(v5 ? ReasonCode::kTopicFilterInvalid : ReasonCode::kUnspecifiedError);
      continue;
    }
    if (!valid) {
      // v5 refuses the one filter; in v3.1.1 it is a protocol violation (4.8).
      if (!v5) {
        fail(ReasonCode::kTopicFilterInvalid, "invalid topic filter");
        return;
      }
      reasons.push_back(ReasonCode::kTopicFilterInvalid);
      continue;
    }
    if (kind == routing::SharedParse::kShared) {
      if (entry.no_local) {
        fail(ReasonCode::kProtocolError, "No Local on a shared subscription");
        return;
      }
      if (!options.mqtt.shared_subscriptions) {
        reasons.push_back(v5 ? ReasonCode::kSharedSubscriptionsNotSupported : ReasonCode::kUnspecifiedError);
        continue;
      }
      change.share_group = std::string(shared.group);
      change.filter = std::string(shared.filter);
    } else {
      change.filter = entry.filter;
    }
    if (!options.mqtt.wildcard_subscriptions &&
        change.filter.find_first_of("+#") != std::string::npos) {
      reasons.push_back(v5 ? ReasonCode::kWildcardSubscriptionsNotSupported : ReasonCode::kUnspecifiedError);
      continue;
    }
    if (index < refused.size() && refused[index]) {
      reasons.push_back(*refused[index]);
      continue;
    }
    change.options.qos = std::min(entry.qos, options.mqtt.maximum_qos);
    change.options.no_local = entry.no_local;
    change.options.retain_as_published = entry.retain_as_published;
    change.options.retain_handling = entry.retain_handling;
    change.options.subscription_id = subscription_id;
    reasons.push_back(static_cast<ReasonCode>(change.options.qos));

    auto [it, inserted] = session.subscriptions.try_emplace(entry.filter);
    it->second = session::SubscriptionRecord{change.filter, change.share_group, change.options};
    bool send_retained = change.share_group.empty() &&
                         (entry.retain_handling == 0 || (entry.retain_handling == 1 && inserted));
    if (send_retained) retained.push_back({change.filter, change.options});
    changes.push_back(std::move(change));
  }

  std::weak_ptr<ClientConnection> weak = weak_from_this();
  auto respond = [weak, packet_id = subscribe.packet_id, reasons = std::move(reasons),
                  retained = std::move(retained)](Session& s) {
    auto self = weak.lock();
    if (!self || self->closed_ || s.connection != self.get()) return;
    if (s.persistent()) self->core_.save_session(s, true, self->hold_output());
    self->send(protocol::Suback{packet_id, reasons});
    TimePoint now = SteadyClock::now();
    for (const Retained& r : retained) self->deliver_retained(s, r.filter, r.options, now);
    self->flush();
    self->input_paused_ = false;
    self->resume_input(now);
  };
  if (changes.empty()) {
    respond(session);
  } else {
    input_paused_ = true;
    core_.change_subscriptions(session_, std::move(changes), std::move(respond));
  }
}

void ClientConnection::deliver_retained(Session& session, const std::string& filter,
                                        const routing::SubscriptionOptions& options,
                                        TimePoint now) {
  for (MessagePtr& message : core_.retained_matching(filter)) {
    session::Delivery delivery;
    delivery.qos = std::min(message->qos, options.qos);
    delivery.retain = true;
    if (options.subscription_id != 0) delivery.subscription_ids.push_back(options.subscription_id);
    delivery.message = std::move(message);
    shard_.deliver_locally(session, std::move(delivery), now);
  }
}

bool ClientConnection::handle_unsubscribe(protocol::Unsubscribe unsubscribe) {
  std::vector<ReasonCode> reasons;
  std::vector<SubscriptionChange> changes;
  Session& session = *session_;
  const plugin_host::PluginHost* plugins = core_.plugins();
  const bool rewrite = plugins != nullptr && plugins->has_on_unsubscribe();
  for (const std::string& client_filter : unsubscribe.filters) {
    std::string filter =
        listener_.mount_point.empty() ? client_filter : mounted_filter(client_filter);
    if (rewrite) {
      if (auto kept = pass_on_unsubscribe(filter)) {
        reasons.push_back(*kept);
        continue;
      }
    }
    auto it = session.subscriptions.find(filter);
    if (it == session.subscriptions.end()) {
      reasons.push_back(ReasonCode::kNoSubscriptionExisted);
      continue;
    }
    reasons.push_back(ReasonCode::kSuccess);
    SubscriptionChange change;
    change.add = false;
    change.share_group = it->second.share_group;
    change.filter = it->second.filter;
    changes.push_back(std::move(change));
    session.subscriptions.erase(it);
  }
  std::weak_ptr<ClientConnection> weak = weak_from_this();
  auto respond = [weak, packet_id = unsubscribe.packet_id, reasons = std::move(reasons)](Session& s) {
    auto self = weak.lock();
    if (!self || self->closed_ || s.connection != self.get()) return;
    if (s.persistent()) self->core_.save_session(s, true, self->hold_output());
    self->send(protocol::Unsuback{packet_id, reasons});
    self->flush();
    self->input_paused_ = false;
    self->resume_input(SteadyClock::now());
  };
  if (changes.empty()) {
    respond(session);
  } else {
    input_paused_ = true;
    core_.change_subscriptions(session_, std::move(changes), std::move(respond));
  }
  return true;
}

// --- DISCONNECT and the end of a connection --------------------------------

bool ClientConnection::handle_disconnect(const protocol::Disconnect& disconnect) {
  if (protocol::is_v5(version_) && disconnect.properties.session_expiry_interval) {
    std::uint32_t requested = *disconnect.properties.session_expiry_interval;
    if (connect_session_expiry_ == 0 && requested != 0) {
      return fail(ReasonCode::kProtocolError, "session expiry set on DISCONNECT after 0 on CONNECT");
    }
    session_->expiry_interval = std::min(requested, core_.options().mqtt.max_session_expiry);
  }
  normal_disconnect_ = disconnect.reason != ReasonCode::kDisconnectWithWillMessage;
  ended_by_client_ = true;
  set_end_reason("client_disconnect", disconnect.reason);
  log_end(normal_disconnect_ ? "disconnected" : "disconnected with will");
  TimePoint now = SteadyClock::now();
  closed_ = true;
  close_transport();
  shard_.remove_connection(this);
  detach_session(now);
  return false;
}

void ClientConnection::disconnect(ReasonCode reason, TimePoint now) {
  const log::ClientContext log_scope = log_context();
  if (closed_) return;
  if (protocol::is_v5(version_) && state_ == State::kConnected) {
    send(protocol::Disconnect{reason});
  }
  log_end(reason == ReasonCode::kSessionTakenOver ? "taken over" : "disconnected by the broker");
  switch (reason) {
    case ReasonCode::kSessionTakenOver:
      set_end_reason("session_taken_over", reason);
      break;
    case ReasonCode::kKeepAliveTimeout:
      set_end_reason("keep_alive_timeout", reason);
      break;
    case ReasonCode::kServerShuttingDown:
      set_end_reason("server_shutdown", reason);
      break;
    case ReasonCode::kAdministrativeAction:
      set_end_reason("administrative_action", reason);
      break;
    default:
      set_end_reason("broker_disconnect", reason);
  }
  ended_by_broker_ = true;
  closed_ = true;
  close_transport();
  shard_.remove_connection(this);
  detach_session(now);
}

bool ClientConnection::fail(ReasonCode reason, std::string why) {
  BrokerStats::add(core_.stats().protocol_errors);
  STARLING_LOG(kInfo) << transport_.peer() << ": " << protocol::to_string(reason) << ": " << why;
  if (closed_) return false;
  if (!protocol::is_allowed_reason(protocol::PacketType::kDisconnect, static_cast<std::uint8_t>(reason))) {
    reason = ReasonCode::kProtocolError;  // never send a code DISCONNECT cannot carry
  }
  set_end_reason("protocol_error", reason, why);
  if (protocol::is_v5(version_) && state_ == State::kConnected) {
    protocol::Disconnect packet{reason};
    packet.properties.reason_string = std::move(why);
    fit_reason_string(packet);
    send(packet);
  }
  closed_ = true;
  close_transport();
  shard_.remove_connection(this);
  detach_session(SteadyClock::now());
  return false;
}

void ClientConnection::on_closed(TimePoint now) {
  const log::ClientContext log_scope = log_context();
  if (closed_) return;
  closed_ = true;
  state_ = State::kClosing;
  shard_.remove_connection(this);
  if (session_) log_end("connection lost");
  detach_session(now);
}

bool ClientConnection::over_publish_rate(std::size_t bytes, TimePoint now) {
  rate_limits_->messages.take(1, now);
  rate_limits_->bytes.take(bytes, now);
  auto wait = std::max(rate_limits_->messages.wait(now), rate_limits_->bytes.wait(now));
  if (wait == SteadyClock::duration::zero()) return false;
  // Back-pressure, not loss: stop reading until the buckets refill.
  rate_paused_ = true;
  transport_.pause_reading(wait);
  return true;
}

void ClientConnection::on_reading_resumed(TimePoint now) {
  const log::ClientContext log_scope = log_context();
  rate_paused_ = false;
  last_received_ = now;
  resume_input(now);
}

bool ClientConnection::within_topic_limits(std::string_view topic) const {
  const LimitOptions& limits = core_.options().limits;
  if (topic.size() > limits.max_topic_length) return false;
  return static_cast<std::size_t>(std::count(topic.begin(), topic.end(), '/')) < limits.max_topic_levels;
}

std::string ClientConnection::mounted_filter(std::string_view filter) const {
  routing::SharedSubscription shared;
  if (routing::parse_shared_subscription(filter, &shared) == routing::SharedParse::kShared) {
    return "$share/" + std::string(shared.group) + "/" + listener_.mount_point + std::string(shared.filter);
  }
  return listener_.mount_point + std::string(filter);
}

void ClientConnection::on_handshake_failed(const std::string& reason) {
  const log::ClientContext log_scope = log_context();
  STARLING_LOG(kInfo) << transport_.peer() << ": handshake failed: " << reason;
}

void ClientConnection::on_tick(TimePoint now) {
  const log::ClientContext log_scope = log_context();
  if (closed_) return;
  const auto& limits = core_.options().limits;
  if (state_ == State::kAwaitConnect &&
      now - accepted_at_ > std::chrono::milliseconds(limits.connect_timeout_ms)) {
    STARLING_LOG(kInfo) << transport_.peer() << ": no CONNECT in time; closing";
    closed_ = true;
    close_transport();
    shard_.remove_connection(this);
    return;
  }
  if (pending_verdict_ && now >= pending_verdict_->deadline) {
    PendingVerdict call = std::move(*pending_verdict_);
    pending_verdict_.reset();
    plugin_host::PluginHost& plugins = *core_.plugins();
    plugins.pending().cancel(call.ticket);
    plugin_host::Verdict verdict = plugins.timed_out(call.plugin);
    settle_verdict(std::move(call), std::move(verdict));
    if (closed_) return;
  }
  // The spec allows one and a half keep-alive periods of silence.
  // A client held back by its rate limit is sending; it is just not read.
  if (state_ == State::kConnected && keep_alive_ > 0 && !rate_paused_ &&
      now - last_received_ > std::chrono::milliseconds(keep_alive_ * 1500)) {
    disconnect(ReasonCode::kKeepAliveTimeout, now);
  }
}

void ClientConnection::detach_session(TimePoint now) {
  if (pending_verdict_) {
    if (auto* plugins = core_.plugins()) plugins->pending().cancel(pending_verdict_->ticket);
    pending_verdict_.reset();
  }
  if (session_) notify_plugins_disconnected();
  if (!session_ || session_->connection != this) {
    session_.reset();
    announce_disconnected();
    return;
  }
  Session& session = *session_;
  session.connection = nullptr;
  session.set_online(false);
  auto unacknowledged = session.outbound.take_shared_unacknowledged();
  shard_.commit_journal(session);  // before the messages are handed on
  for (session::Delivery& delivery : unacknowledged) {
    shard_.redeliver_shared(std::move(delivery), session);
  }
  if (normal_disconnect_) session.will.reset();
  if (session.will) {
    std::uint32_t delay =
        protocol::is_v5(version_) ? std::min(session.will_delay, session.expiry_interval) : 0;
    if (delay == 0) {
      core_.publish_will(*session.will, client_id_, shard_);
      session.will.reset();
    } else {
      session.will_due_at = now + std::chrono::seconds(delay);
    }
  }
  if (session.expiry_interval == 0) {
    core_.end_session(session);
  } else {
    if (session.expiry_interval != kNoExpiry) {
      session.expires_at = now + std::chrono::seconds(session.expiry_interval);
    }
    if (session.expires_at || session.will_due_at) shard_.watch_offline(session_);
    core_.save_session(session, false);
  }
  session_.reset();
  announce_disconnected();
}

void ClientConnection::set_end_reason(const char* reason, std::optional<ReasonCode> code,
                                      std::string detail) {
  if (end_reason_ != nullptr) return;
  end_reason_ = reason;
  end_reason_code_ = code;
  end_detail_ = std::move(detail);
}

void ClientConnection::announce_connected(bool session_present) {
  if (closed_) return;  // ended already (a plugin's on_connected may disconnect it)
  core_.stats().client_attached();
  counted_connected_ = true;
  if (!core_.options().presence_events) return;
  ConnectedEvent event;
  event.client_id = client_id_;
  event.username = &username_;
  event.address = transport_.peer();
  event.protocol_level = protocol::protocol_level(version_);
  event.keep_alive = keep_alive_;
  event.clean_start = connect_clean_start_;
  event.session_present = session_present;
  event.connection = number_;
  auto message = std::make_shared<Message>();
  message->topic = presence_topic(client_id_, "connected");
  message->payload = connected_payload(event, unix_now_ms());
  message->qos = 1;
  message->retain = true;
  presence_connected_ = message;
  core_.publish_sys(presence_connected_, shard_);
}

void ClientConnection::announce_disconnected() {
  if (!counted_connected_) return;
  counted_connected_ = false;
  core_.stats().client_detached();
  if (!presence_connected_) return;
  // A newer connection of this client (a takeover) may have replaced the
  // retained message already; then it stays.
  core_.clear_sys_retained(presence_connected_, shard_);
  presence_connected_.reset();
  DisconnectedEvent event;
  event.client_id = client_id_;
  event.username = &username_;
  event.address = transport_.peer();
  event.connection = number_;
  event.reason = end_reason_ != nullptr ? end_reason_ : "connection_lost";
  if (end_reason_code_) event.reason_code = static_cast<std::uint8_t>(*end_reason_code_);
  event.detail = end_detail_;
  auto message = std::make_shared<Message>();
  message->topic = presence_topic(client_id_, "disconnected");
  message->payload = disconnected_payload(event, unix_now_ms());
  message->qos = 1;
  core_.publish_sys(message, shard_);
}

void ClientConnection::close_transport() {
  state_ = State::kClosing;
  transport_.close();
}

void ClientConnection::log_end(const char* how) const {
  STARLING_LOG(kInfo) << transport_.peer() << " " << how;
}

// --- output ----------------------------------------------------------------

template <typename Packet>
void ClientConnection::fit_reason_string(Packet& packet) {
  std::string encoded;
  protocol::encode(packet, version_, encoded);
  if (encoded.size() > client_max_packet_size_) packet.properties.reason_string.reset();
}

void ClientConnection::send(const protocol::Packet& packet) {
  protocol::encode(packet, version_, transport_.output());
  BrokerStats::add(core_.stats().packets_sent);
}

void ClientConnection::on_bytes_written(std::size_t count) {
  BrokerStats::add(core_.stats().bytes_sent, count);
}

session::OutboundSink::SendResult ClientConnection::send_publish(const session::Delivery& delivery,
                                                                 std::uint16_t packet_id, bool dup,
                                                                 TimePoint now) {
  const Message& message = *delivery.message;
  if (delivery.qos == 0 && transport_.backlog() > core_.options().limits.max_queued_bytes) {
    BrokerStats::add(core_.stats().messages_dropped_queue_full);
    if (session_) shard_.note_dropped(*session_, session::DropReason::kSlowConsumer, 1, now);
    notify_dropped(core_, client_id_, &message, STARLING_DROP_SLOW_CONSUMER);
    return SendResult::kDiscarded;  // a slow consumer loses QoS 0, never memory
  }
  if (core_.plugins() != nullptr && core_.plugins()->has_authorize_delivery() && !dup &&
      !delivery_allowed(message, delivery.qos, delivery.retain)) {
    return SendResult::kDiscarded;  // not for this subscriber: as if delivered
  }
  const protocol::Properties* properties = nullptr;
  protocol::Properties with_hop_properties;
  std::string_view topic = message.topic;
  if (!listener_.mount_point.empty() && topic.starts_with(listener_.mount_point)) {
    topic.remove_prefix(listener_.mount_point.size());
  }
  std::uint16_t alias = 0;
  bool new_alias = false;
  if (protocol::is_v5(version_)) {
    // Once sent, a message is resent whatever its expiry (4.3.3-7).
    if (!dup && message.expired(now)) {
      BrokerStats::add(core_.stats().messages_dropped_expired);
      notify_dropped(core_, client_id_, &message, STARLING_DROP_EXPIRED);
      return SendResult::kDiscarded;
    }
    bool needs_copy = message.has_properties || !delivery.subscription_ids.empty() ||
                      message.expires_at.has_value() || client_topic_alias_maximum_ > 0;
    if (needs_copy) {
      with_hop_properties = message.properties;
      with_hop_properties.subscription_identifiers = delivery.subscription_ids;
      if (message.expires_at) {
        with_hop_properties.message_expiry_interval = seconds_until(*message.expires_at, now);
      }
      properties = &with_hop_properties;
    }
    protocol::PublishHeader sized{delivery.qos, delivery.retain, dup, packet_id};
    if (protocol::encoded_publish_size(sized, topic, message.payload, properties, version_) >
        client_max_packet_size_) {
      BrokerStats::add(core_.stats().messages_dropped_too_large);
      notify_dropped(core_, client_id_, &message, STARLING_DROP_TOO_LARGE);
      return SendResult::kDiscarded;
    }
    if (client_topic_alias_maximum_ > 0 && topic.size() > 2) {
      auto found = outbound_aliases_.find(message.topic);
      if (found != outbound_aliases_.end()) {
        alias = found->second;
      } else if (outbound_aliases_.size() <
                 std::min<std::size_t>(client_topic_alias_maximum_, kMaxOutboundAliases)) {
        alias = static_cast<std::uint16_t>(outbound_aliases_.size() + 1);
        new_alias = true;
        outbound_aliases_.emplace(message.topic, alias);
      }
      if (alias != 0) {
        with_hop_properties.topic_alias = alias;
        properties = &with_hop_properties;
        if (!new_alias) {
          topic = {};
        } else if (protocol::encoded_publish_size(sized, topic, message.payload, properties,
                                                  version_) > client_max_packet_size_) {
          // The alias property would push it over the client's limit.
          with_hop_properties.topic_alias.reset();
          outbound_aliases_.erase(message.topic);
        }
      }
    }
  }
  protocol::PublishHeader header{delivery.qos, delivery.retain, dup, packet_id};
  protocol::encode_publish(header, topic, message.payload, properties, version_, transport_.output());
  BrokerStats& stats = core_.stats();
  BrokerStats::add(stats.messages_sent);
  BrokerStats::add(stats.packets_sent);
  BrokerStats::add(stats.publish_bytes_sent, message.payload.size());
  BrokerStats::add(core_.stats().messages_sent_by_qos[delivery.qos % 3]);
  return SendResult::kSent;
}

void ClientConnection::send_pubrel(std::uint16_t packet_id) { send(protocol::Pubrel{packet_id}); }

storage::Store::Completion ClientConnection::hold_output() {
  ++holds_;
  std::weak_ptr<ClientConnection> weak = weak_from_this();
  Executor* executor = &shard_.executor();
  return [weak, executor](const Status& status) {
    executor->post([weak, status] {
      if (auto self = weak.lock()) self->release_output(status);
    });
  };
}

void ClientConnection::release_output(const Status& status) {
  const log::ClientContext log_scope = log_context();
  --holds_;
  if (closed_) return;
  if (!status.ok()) {
    STARLING_LOG(kError) << "store write failed, acknowledgements withdrawn: "
                         << status.error().message;
    transport_.output().clear();
    holds_ = 0;
    set_end_reason("store_failure");
    fail(ReasonCode::kQuotaExceeded, "the broker could not store the message");
    return;
  }
  flush();
}

}  // namespace starling
