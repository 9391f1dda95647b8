// The plugin gates of a client connection: authentication of CONNECT,
// authorization of PUBLISH, SUBSCRIBE and delivery, the on_publish hooks,
// connect/disconnect events, and waiting for hooks that answer later.
#include <utility>

#include "core/broker_core.hpp"
#include "core/client_connection.hpp"
#include "core/drop_events.hpp"
#include "core/shard.hpp"
#include "plugin_host/message_edit.hpp"
#include "plugin_host/subscription_edit.hpp"
#include "protocol/reason_code_rules.hpp"
#include "util/log.hpp"

namespace starling {

using plugin_host::Verdict;
using protocol::ReasonCode;

namespace {

starling_bytes bytes_of(std::string_view text) { return {text.data(), text.size()}; }

}  // namespace

starling_client ClientConnection::plugin_client() const {
  starling_client client{};
  client.struct_size = sizeof(starling_client);
  client.client_id = bytes_of(client_id_);
  client.has_username = username_.has_value() ? 1 : 0;
  if (username_) client.username = bytes_of(*username_);
  client.peer = bytes_of(transport_.peer());
  client.protocol_version = protocol_level(version_);
  client.listener = bytes_of(listener_.bind);
  if (const PeerIdentity* identity = transport_.peer_identity()) {
    client.certificate_subject = bytes_of(identity->subject);
    client.certificate_common_name = bytes_of(identity->common_name);
  }
  return client;
}

// --- waiting for a pending answer ------------------------------------------------

void ClientConnection::await_verdict(const Verdict& pending, ResumeChain resume,
                                     FinishVerdict finish) {
  plugin_host::PluginHost& plugins = *core_.plugins();
  input_paused_ = true;
  pending_verdict_ = std::make_unique<PendingVerdict>(
      PendingVerdict{pending.ticket, pending.plugin,
                     SteadyClock::now() + plugins.pending_timeout(pending.plugin), std::move(resume),
                     std::move(finish)});
  std::weak_ptr<ClientConnection> weak = weak_from_this();
  Executor* executor = &shard_.executor();
  const std::uint64_t ticket = pending.ticket;
  // May run at once (an early answer), on this thread: posting keeps the
  // order of events the same either way.
  plugins.pending().await(ticket, [weak, executor, ticket](plugin_host::Answer answer) {
    executor->post([weak, ticket, answer] {
      if (auto self = weak.lock()) self->on_plugin_answer(ticket, answer);
    });
  });
}

void ClientConnection::on_plugin_answer(std::uint64_t ticket, plugin_host::Answer answer) {
  const log::ClientContext log_scope = log_context();
  if (closed_ || !pending_verdict_ || pending_verdict_->ticket != ticket) return;
  PendingVerdict call = std::move(*pending_verdict_);
  pending_verdict_.reset();
  Verdict verdict = core_.plugins()->resolve_answer(call.plugin, answer);
  if (verdict.kind == Verdict::Kind::kNext) verdict = call.resume(call.plugin + 1);
  settle_verdict(std::move(call), std::move(verdict));
}

void ClientConnection::settle_verdict(PendingVerdict call, Verdict verdict) {
  if (verdict.kind == Verdict::Kind::kPending) {
    await_verdict(verdict, std::move(call.resume), std::move(call.finish));
    return;
  }
  input_paused_ = false;
  call.finish(verdict);
  if (closed_) return;
  TimePoint now = SteadyClock::now();
  if (session_) shard_.commit_journal(*session_);
  flush();
  resume_input(now);
}

// --- CONNECT ------------------------------------------------------------------------

namespace {
struct ConnectCall {
  protocol::Connect connect;
  starling_client client;
  starling_auth_event event;
};
}  // namespace

bool ClientConnection::authenticate(protocol::Connect connect) {
  auto call = std::make_shared<ConnectCall>();
  call->connect = std::move(connect);
  call->client = plugin_client();
  starling_auth_event& event = call->event;
  event.struct_size = sizeof(starling_auth_event);
  event.client = &call->client;
  event.has_password = call->connect.password.has_value() ? 1 : 0;
  if (call->connect.password) event.password = bytes_of(*call->connect.password);
  event.clean_start = call->connect.clean_start ? 1 : 0;
  event.keep_alive = call->connect.keep_alive;

  auto finish = [this, call](const Verdict& verdict) {
    switch (verdict.kind) {
      case Verdict::Kind::kAllow:
        (void)accept_connect(std::move(call->connect), SteadyClock::now());
        return;
      case Verdict::Kind::kDeny: {
        auto reason = verdict.reason_code != 0 ? static_cast<ReasonCode>(verdict.reason_code)
                                               : ReasonCode::kNotAuthorized;
        if (!protocol::is_allowed_reason(protocol::PacketType::kConnack, verdict.reason_code)) {
          reason = ReasonCode::kNotAuthorized;
        }
        refuse_connect(reason, verdict.reason_string.empty() ? "refused by a plugin"
                                                             : verdict.reason_string);
        return;
      }
      default:
        // No plugin decided: the listener's rule for anonymous clients.
        if (!listener_.allow_anonymous && !certificate_authenticated_) {
          refuse_connect(ReasonCode::kNotAuthorized, "no plugin accepted the client");
          return;
        }
        (void)accept_connect(std::move(call->connect), SteadyClock::now());
    }
  };
  Verdict verdict = core_.plugins()->authenticate(event);
  if (verdict.kind != Verdict::Kind::kPending) {
    finish(verdict);
    return state_ != State::kClosing;
  }
  state_ = State::kConnecting;  // what follows the CONNECT waits
  auto resume = [this, call](std::size_t from) {
    return core_.plugins()->authenticate(call->event, from);
  };
  await_verdict(verdict, std::move(resume), std::move(finish));
  return true;  // the caller keeps what follows the CONNECT for later
}

// --- PUBLISH ------------------------------------------------------------------------

void ClientConnection::acknowledge_dropped(std::uint8_t qos, std::uint16_t packet_id,
                                           ReasonCode reason) {
  // v3.1.1 has no negative acknowledgement: the message is acknowledged
  // and dropped, as other brokers do.
  if (!protocol::is_v5(version_)) reason = ReasonCode::kSuccess;
  if (qos == 1) send(protocol::Puback{packet_id, reason});
  if (qos == 2) {
    // A refused QoS 2 message ends with the PUBREC; an accepted one waits
    // for its PUBREL (and a resend must not be routed).
    if (static_cast<std::uint8_t>(reason) < 0x80) session_->inbound_qos2.insert(packet_id);
    send(protocol::Pubrec{packet_id, reason});
  }
}

namespace {
struct PublishCall {
  protocol::Publish publish;
  starling_client client;
  starling_publish_event event;
};

void fill_publish_event(starling_publish_event& event, const protocol::Publish& publish,
                        const starling_client* client) {
  event.struct_size = sizeof(starling_publish_event);
  event.client = client;
  event.topic = bytes_of(publish.topic);
  event.payload = bytes_of(publish.payload);
  event.qos = publish.qos;
  event.retain = publish.retain ? 1 : 0;
}
}  // namespace

void ClientConnection::note_denied(const protocol::Publish& publish) {
  BrokerStats::add(core_.stats().messages_denied);
  if (!wants_drop_events(core_)) return;
  Message dropped;  // a view for the event; only what it reports
  dropped.topic = publish.topic;
  dropped.payload = publish.payload;
  dropped.qos = publish.qos;
  notify_dropped(core_, client_id_, &dropped, STARLING_DROP_DENIED);
}

bool ClientConnection::authorize_publish(protocol::Publish publish, TimePoint now) {
  plugin_host::PluginHost& plugins = *core_.plugins();
  starling_client client = plugin_client();
  starling_publish_event event{};
  fill_publish_event(event, publish, &client);
  Verdict verdict = plugins.authorize_publish(event);
  if (verdict.kind == Verdict::Kind::kDeny) {
    note_denied(publish);
    STARLING_LOG(kDebug) << "PUBLISH to '"
                         << publish.topic << "' denied by a plugin";
    acknowledge_dropped(publish.qos, publish.packet_id,
                        verdict.reason_code != 0 ? static_cast<ReasonCode>(verdict.reason_code)
                                                 : ReasonCode::kNotAuthorized);
    return true;
  }
  if (verdict.kind != Verdict::Kind::kPending) return accept_publish(std::move(publish), now);

  auto call = std::make_shared<PublishCall>();
  call->publish = std::move(publish);
  call->client = plugin_client();
  fill_publish_event(call->event, call->publish, &call->client);
  auto resume = [this, call](std::size_t from) {
    return core_.plugins()->authorize_publish(call->event, from);
  };
  auto finish = [this, call](const Verdict& v) {
    if (v.kind == Verdict::Kind::kDeny) {
      note_denied(call->publish);
      acknowledge_dropped(call->publish.qos, call->publish.packet_id,
                          v.reason_code != 0 ? static_cast<ReasonCode>(v.reason_code)
                                             : ReasonCode::kNotAuthorized);
      return;
    }
    (void)accept_publish(std::move(call->publish), SteadyClock::now());
  };
  await_verdict(verdict, std::move(resume), std::move(finish));
  return true;
}

bool ClientConnection::pass_on_publish(protocol::Publish& publish, std::uint8_t ack_qos,
                                       std::uint16_t packet_id) {
  const Options& options = core_.options();
  starling_client client = plugin_client();
  starling_message message{&publish, options.mqtt.maximum_qos, options.mqtt.retain_available};
  starling_publish_event event{};
  fill_publish_event(event, publish, &client);
  event.message = &message;
  Verdict verdict = core_.plugins()->on_publish(event);
  if (verdict.kind != Verdict::Kind::kDeny) return true;
  note_denied(publish);
  acknowledge_dropped(ack_qos, packet_id, static_cast<ReasonCode>(verdict.reason_code));
  return false;
}

bool ClientConnection::delivery_allowed(const Message& message, std::uint8_t qos, bool retain) {
  starling_client client = plugin_client();
  starling_publish_event event{};
  event.struct_size = sizeof(starling_publish_event);
  event.client = &client;
  event.topic = bytes_of(message.topic);
  event.payload = bytes_of(message.payload);
  event.qos = qos;
  event.retain = retain ? 1 : 0;
  return core_.plugins()->authorize_delivery(event).kind != Verdict::Kind::kDeny;
}

// --- SUBSCRIBE ----------------------------------------------------------------------

struct ClientConnection::SubscribeCall {
  protocol::Subscribe subscribe;
  std::vector<std::optional<ReasonCode>> refused;
  std::size_t next = 0;  // the entry being authorized
  starling_client client;
  starling_subscribe_event event;
};

bool ClientConnection::authorize_subscribe(protocol::Subscribe subscribe) {
  auto call = std::make_shared<SubscribeCall>();
  call->subscribe = std::move(subscribe);
  call->refused.resize(call->subscribe.entries.size());
  call->client = plugin_client();
  continue_subscribe(call, nullptr);
  return true;
}

void ClientConnection::continue_subscribe(const std::shared_ptr<SubscribeCall>& call,
                                          const Verdict* decided) {
  auto record = [this, &call](const Verdict& v) {
    if (v.kind == Verdict::Kind::kDeny) call->refused[call->next] = refused_subscription(v);
    ++call->next;
  };
  // The chain for entry call->next, from plugin `from` on.
  auto authorize_entry = [this, call](std::size_t from) {
    const protocol::SubscribeEntry& entry = call->subscribe.entries[call->next];
    starling_subscribe_event& event = call->event;
    event = starling_subscribe_event{};
    event.struct_size = sizeof(starling_subscribe_event);
    event.client = &call->client;
    event.filter = bytes_of(entry.filter);
    event.qos = entry.qos;
    return core_.plugins()->authorize_subscribe(event, from);
  };
  if (decided != nullptr) record(*decided);
  while (call->next < call->subscribe.entries.size()) {
    Verdict v = authorize_entry(0);
    if (v.kind == Verdict::Kind::kPending) {
      await_verdict(v, authorize_entry,
                    [this, call](const Verdict& d) { continue_subscribe(call, &d); });
      return;
    }
    record(v);
  }
  apply_subscribe(std::move(call->subscribe), std::move(call->refused));
}

ReasonCode ClientConnection::refused_subscription(const Verdict& verdict) const {
  // v3.1.1 has one failure code; v5 keeps the plugin's if it is one.
  if (!protocol::is_v5(version_)) return ReasonCode::kUnspecifiedError;
  if (verdict.reason_code >= 0x80 &&
      protocol::is_allowed_reason(protocol::PacketType::kSuback, verdict.reason_code)) {
    return static_cast<ReasonCode>(verdict.reason_code);
  }
  return ReasonCode::kNotAuthorized;
}

void ClientConnection::pass_on_subscribe(protocol::Subscribe& subscribe,
                                         std::vector<std::optional<ReasonCode>>& refused) {
  plugin_host::PluginHost& plugins = *core_.plugins();
  starling_client client = plugin_client();
  refused.resize(subscribe.entries.size());
  for (std::size_t i = 0; i < subscribe.entries.size(); ++i) {
    if (refused[i]) continue;
    protocol::SubscribeEntry& entry = subscribe.entries[i];
    const std::string original = entry.filter;
    const bool was_shared = original.rfind("$share/", 0) == 0;
    starling_subscription subscription{&entry.filter, &entry.qos};
    starling_subscribe_event event{};
    event.struct_size = sizeof(starling_subscribe_event);
    event.client = &client;
    event.filter = bytes_of(entry.filter);
    event.qos = entry.qos;
    event.subscription = &subscription;
    const Verdict verdict = plugins.on_subscribe(event);
    if (verdict.kind == Verdict::Kind::kDeny) {
      refused[i] = refused_subscription(verdict);
    } else if (!was_shared && entry.no_local && entry.filter.rfind("$share/", 0) == 0) {
      // No Local on a shared subscription is the client's protocol error
      // only when the client sent it so; here a plugin made it one.
      STARLING_LOG(kWarn) << "a plugin made '" << entry.filter
                          << "' a shared subscription, which No Local forbids; refused";
      refused[i] = protocol::is_v5(version_) ? ReasonCode::kImplementationSpecificError
                                             : ReasonCode::kUnspecifiedError;
      entry.filter = original;  // what the client sent is what its SUBACK answers
    }
  }
}

std::optional<ReasonCode> ClientConnection::pass_on_unsubscribe(std::string& filter) {
  starling_client client = plugin_client();
  starling_subscription subscription{&filter, nullptr};
  starling_subscribe_event event{};
  event.struct_size = sizeof(starling_subscribe_event);
  event.client = &client;
  event.filter = bytes_of(filter);
  event.subscription = &subscription;
  const Verdict verdict = core_.plugins()->on_unsubscribe(event);
  if (verdict.kind != Verdict::Kind::kDeny) return std::nullopt;
  if (verdict.reason_code >= 0x80 &&
      protocol::is_allowed_reason(protocol::PacketType::kUnsuback, verdict.reason_code)) {
    return static_cast<ReasonCode>(verdict.reason_code);
  }
  return ReasonCode::kNotAuthorized;
}

void ClientConnection::acknowledged(const session::Delivery& delivery) {
  plugin_host::PluginHost* plugins = core_.plugins();
  if (plugins == nullptr || !plugins->has_delivered()) return;
  starling_client client = plugin_client();
  starling_delivery_event event{};
  event.struct_size = sizeof(starling_delivery_event);
  event.client = &client;
  event.topic = bytes_of(delivery.message->topic);
  event.payload_size = delivery.message->payload.size();
  event.qos = delivery.qos;
  plugins->delivered(event);
}

// --- events ---------------------------------------------------------------------------

void ClientConnection::notify_plugins_connected(bool session_present) {
  plugin_host::PluginHost* plugins = core_.plugins();
  if (plugins == nullptr || !plugins->has_client_events()) return;
  starling_client client = plugin_client();
  starling_client_event event{};
  event.struct_size = sizeof(starling_client_event);
  event.client = &client;
  event.session_present = session_present ? 1 : 0;
  plugins->connected(event);
}

void ClientConnection::notify_plugins_disconnected() {
  plugin_host::PluginHost* plugins = core_.plugins();
  if (plugins == nullptr || !plugins->has_client_events()) return;
  starling_client client = plugin_client();
  starling_client_event event{};
  event.struct_size = sizeof(starling_client_event);
  event.client = &client;
  event.disconnect_kind = ended_by_client_    ? STARLING_DISCONNECT_NORMAL
                          : ended_by_broker_ ? STARLING_DISCONNECT_BY_BROKER
                                             : STARLING_DISCONNECT_LOST;
  plugins->disconnected(event);
}

}  // namespace starling
