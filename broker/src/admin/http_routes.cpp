#include "admin/http_routes.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <memory>
#include <optional>
#include <utility>

#include "admin/session_view.hpp"
#include "admin/url.hpp"
#include "core/broker_core.hpp"
#include "protocol/utf8.hpp"
#include "routing/topic.hpp"
#include "util/log.hpp"

namespace starling::admin {

namespace json = boost::json;

namespace {

constexpr std::size_t kDefaultLimit = 100;
constexpr std::size_t kMaxLimit = 1000;

HttpResponse json_response(unsigned status, const json::value& body) {
  HttpResponse response;
  response.status = status;
  response.body = json::serialize(body);
  response.body += '\n';
  return response;
}

HttpResponse error(unsigned status, std::string_view message) {
  return json_response(status, json::object{{"error", message}});
}

HttpResponse method_not_allowed(std::string_view allowed) {
  HttpResponse response = error(405, "method not allowed");
  response.headers.emplace_back("Allow", std::string(allowed));
  return response;
}

// Compares in time independent of where the strings differ.
bool same_secret(std::string_view a, std::string_view b) {
  unsigned char difference = a.size() == b.size() ? 0 : 1;
  const std::size_t n = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i) difference |= static_cast<unsigned char>(a[i] ^ b[i]);
  return difference == 0;
}

std::string base64(std::string_view bytes) {
  static constexpr char kDigits[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned v = static_cast<unsigned char>(bytes[i]) << 16 |
                       static_cast<unsigned char>(bytes[i + 1]) << 8 |
                       static_cast<unsigned char>(bytes[i + 2]);
    out += {kDigits[v >> 18], kDigits[(v >> 12) & 63], kDigits[(v >> 6) & 63], kDigits[v & 63]};
  }
  if (i + 1 == bytes.size()) {
    const unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    out += {kDigits[v >> 18], kDigits[(v >> 12) & 63], '=', '='};
  } else if (i + 2 == bytes.size()) {
    const unsigned v =
        static_cast<unsigned char>(bytes[i]) << 16 | static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += {kDigits[v >> 18], kDigits[(v >> 12) & 63], kDigits[(v >> 6) & 63], '='};
  }
  return out;
}

// A payload as JSON: "payload" when it is UTF-8 text, else "payload_base64".
void add_payload(json::object& object, std::string_view payload) {
  if (protocol::is_valid_mqtt_utf8(payload)) {
    object["payload"] = payload;
  } else {
    object["payload_base64"] = base64(payload);
  }
}

json::object subscription_json(const session::SubscriptionRecord& record) {
  json::object s;
  s["filter"] = record.share_group.empty() ? record.filter
                                           : "$share/" + record.share_group + "/" + record.filter;
  if (!record.share_group.empty()) s["share_group"] = record.share_group;
  s["qos"] = record.options.qos;
  s["no_local"] = record.options.no_local;
  s["retain_as_published"] = record.options.retain_as_published;
  s["retain_handling"] = record.options.retain_handling;
  if (record.options.subscription_id != 0) s["subscription_id"] = record.options.subscription_id;
  return s;
}

json::object client_json(const SessionView& view) {
  json::object c;
  c["client_id"] = view.client_id;
  c["connected"] = view.connected;
  c["protocol_version"] = view.protocol_version;
  c["session_expiry_interval"] = view.expiry_interval;
  if (view.expires_in_ms) c["expires_in_ms"] = *view.expires_in_ms;
  c["will"] = view.has_will;
  c["queued_messages"] = view.queued;
  c["queued_bytes"] = view.queued_bytes;
  c["inflight_messages"] = view.inflight;
  if (view.connected) {
    c["connection"] = view.connection;
    c["address"] = view.address;
    c["listener"] = view.listener;
    c["keep_alive"] = view.keep_alive;
    c["username"] = view.username ? json::value(*view.username) : json::value(nullptr);
  }
  json::array subscriptions;
  for (const auto& record : view.subscriptions) subscriptions.push_back(subscription_json(record));
  c["subscriptions"] = std::move(subscriptions);
  return c;
}

std::optional<std::size_t> parse_count(const std::string& text) {
  std::size_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

std::optional<bool> parse_flag(const std::string& text) {
  if (text == "true" || text == "1") return true;
  if (text == "false" || text == "0") return false;
  return std::nullopt;
}

std::string quoted(std::string_view text) {
  return "'" + std::string(text) + "'";
}

// `text` for a log line: at most 200 bytes, control characters as '?', so a
// request cannot forge log lines.
std::string printable(std::string_view text) {
  constexpr std::size_t kMax = 200;
  std::string out(text.substr(0, kMax));
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  if (text.size() > kMax) out += "...";
  return out;
}

}  // namespace

// One request on its way through the admin API.
struct HttpRoutes::Call {
  HttpRequest request;
  Target target;
  HttpRespond respond;
  std::size_t offset = 0;
  std::size_t limit = kDefaultLimit;

  // Reads ?offset= and ?limit=; false (and answered 400) when malformed.
  bool read_paging() {
    if (const std::string* text = target.find("offset")) {
      auto value = parse_count(*text);
      if (!value) return fail(400, "offset must be a non-negative integer");
      offset = *value;
    }
    if (const std::string* text = target.find("limit")) {
      auto value = parse_count(*text);
      if (!value || *value == 0 || *value > kMaxLimit) {
        return fail(400, "limit must be an integer from 1 to " + std::to_string(kMaxLimit));
      }
      limit = *value;
    }
    return true;
  }

  // ?filter=, or `fallback` when absent; nullopt (answered 400) when invalid.
  std::optional<std::string> read_filter(std::optional<std::string> fallback) {
    const std::string* filter = target.find("filter");
    if (filter == nullptr) {
      if (!fallback) fail(400, "a filter is required (?filter=...; '#' for everything)");
      return fallback;
    }
    if (!routing::is_valid_topic_filter(*filter) || !protocol::is_valid_mqtt_utf8(*filter)) {
      fail(400, "invalid topic filter " + quoted(*filter));
      return std::nullopt;
    }
    return *filter;
  }

  bool fail(unsigned status, std::string_view message) {
    respond(error(status, message));
    return false;
  }
};

HttpRoutes::HttpRoutes(BrokerCore& core, std::string admin_token,
                       std::function<std::vector<ListenerFigures>()> listeners)
    : core_(core),
      admin_token_(std::move(admin_token)),
      listeners_(std::move(listeners)),
      services_(core),
      started_(std::chrono::steady_clock::now()) {}

void HttpRoutes::handle(HttpRequest request, HttpRespond respond) {
  std::optional<Target> target = parse_target(request.target);
  if (!target) {
    respond(error(400, "malformed request target"));
    return;
  }
  const auto& segments = target->segments;
  if (segments.size() == 1 && segments[0] == "metrics") {
    if (request.method != "GET") return respond(method_not_allowed("GET"));
    return metrics(std::move(respond));
  }
  if (segments.size() >= 2 && segments[0] == "api" && segments[1] == "v1") {
    if (admin_token_.empty()) {
      return respond(error(404, "the admin API is off (set http.admin_token to turn it on)"));
    }
    constexpr std::string_view kBearer = "Bearer ";
    std::string_view authorization = request.authorization;
    if (!authorization.starts_with(kBearer) ||
        !same_secret(authorization.substr(kBearer.size()), admin_token_)) {
      STARLING_LOG(kWarn) << "admin API: " << printable(request.method) << " "
                          << printable(request.target) << " from " << request.peer
                          << " refused: missing or wrong token";
      HttpResponse refused = error(401, "missing or wrong admin token");
      refused.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"starling\"");
      return respond(std::move(refused));
    }
    Call call{std::move(request), std::move(*target), std::move(respond)};
    return admin(call);
  }
  respond(error(404, "not found"));
}

void HttpRoutes::metrics(HttpRespond respond) {
  gather_sessions(core_.sessions(), false,
                  [this, respond = std::move(respond)](std::vector<SessionView> views) {
                    SessionFigures figures;
                    for (const SessionView& v : views) {
                      if (v.ended) continue;
                      ++figures.sessions;
                      figures.online += v.connected ? 1 : 0;
                      figures.subscriptions += v.subscription_count;
                      figures.queued += v.queued;
                      figures.queued_bytes += v.queued_bytes;
                      figures.inflight += v.inflight;
                    }
                    HttpResponse response;
                    response.content_type = "text/plain; version=0.0.4; charset=utf-8";
                    response.body = render_metrics(core_, listeners_(), figures);
                    respond(std::move(response));
                  });
}

void HttpRoutes::admin(Call& call) {
  const auto& s = call.target.segments;
  const std::string& method = call.request.method;
  const std::string_view resource = s.size() > 2 ? std::string_view(s[2]) : std::string_view();
  if (resource == "clients" && s.size() == 3) {
    if (method != "GET") return (void)call.respond(method_not_allowed("GET"));
    return list_clients(call);
  }
  if (resource == "clients" && s.size() == 4) {
    if (method == "GET") return get_client(call, s[3]);
    if (method == "DELETE") return disconnect_client(call, s[3]);
    return (void)call.respond(method_not_allowed("GET, DELETE"));
  }
  if (resource == "clients" && s.size() == 5 && s[4] == "disconnect") {
    if (method != "POST") return (void)call.respond(method_not_allowed("POST"));
    return disconnect_client(call, s[3]);
  }
  if (resource == "retained" && s.size() == 3) {
    if (method == "GET") return list_retained(call);
    if (method == "DELETE") return delete_retained(call);
    return (void)call.respond(method_not_allowed("GET, DELETE"));
  }
  if (resource == "publish" && s.size() == 3) {
    if (method != "POST") return (void)call.respond(method_not_allowed("POST"));
    return publish(call);
  }
  if (resource == "subscriptions" && s.size() == 3) {
    if (method != "GET") return (void)call.respond(method_not_allowed("GET"));
    return list_subscriptions(call);
  }
  if (resource == "stats" && s.size() == 3) {
    if (method != "GET") return (void)call.respond(method_not_allowed("GET"));
    return stats(call);
  }
  call.fail(404, "not found");
}

void HttpRoutes::list_clients(Call& call) {
  if (!call.read_paging()) return;
  std::vector<SessionPtr> sessions = core_.sessions();
  std::sort(sessions.begin(), sessions.end(), [](const SessionPtr& a, const SessionPtr& b) {
    return a->client_id() < b->client_id();
  });
  const std::size_t total = sessions.size();
  const std::size_t first = std::min(call.offset, total);
  const std::size_t last = std::min(total, first + call.limit);
  std::vector<SessionPtr> page(sessions.begin() + first, sessions.begin() + last);
  gather_sessions(std::move(page), true,
                  [total, offset = call.offset, limit = call.limit,
                   respond = std::move(call.respond)](std::vector<SessionView> views) {
                    json::array clients;
                    for (const SessionView& view : views) {
                      if (!view.ended) clients.push_back(client_json(view));
                    }
                    respond(json_response(200, json::object{{"total", total},
                                                            {"offset", offset},
                                                            {"limit", limit},
                                                            {"clients", std::move(clients)}}));
                  });
}

void HttpRoutes::get_client(Call& call, const std::string& client_id) {
  SessionPtr session = core_.find_session(client_id);
  if (!session) return (void)call.fail(404, "no client " + quoted(client_id));
  gather_sessions({session}, true,
                  [client_id, respond = std::move(call.respond)](std::vector<SessionView> views) {
                    if (views.empty() || views[0].ended) {
                      return respond(error(404, "no client " + quoted(client_id)));
                    }
                    respond(json_response(200, client_json(views[0])));
                  });
}

void HttpRoutes::disconnect_client(Call& call, const std::string& client_id) {
  bool with_will = true;
  if (const std::string* text = call.target.find("will")) {
    auto flag = parse_flag(*text);
    if (!flag) return (void)call.fail(400, "will must be true or false");
    with_will = *flag;
  }
  SessionPtr session = core_.find_session(client_id);
  if (!session) return (void)call.fail(404, "no client " + quoted(client_id));
  if (!services_.disconnect_client(client_id, with_will)) {
    return (void)call.fail(409, "client " + quoted(client_id) + " is not connected");
  }
  STARLING_LOG(kInfo) << "admin API: disconnecting client '" << printable(client_id) << "' "
                      << (with_will ? "with" : "without") << " its will, as " << call.request.peer
                      << " asked";
  call.respond(json_response(
      200, json::object{{"client_id", client_id}, {"disconnected", true}, {"will", with_will}}));
}

void HttpRoutes::list_retained(Call& call) {
  if (!call.read_paging()) return;
  std::optional<std::string> filter = call.read_filter("#");
  if (!filter) return;
  std::vector<MessagePtr> found = core_.retained_matching(*filter);
  std::sort(found.begin(), found.end(),
            [](const MessagePtr& a, const MessagePtr& b) { return a->topic < b->topic; });
  json::array messages;
  for (std::size_t i = call.offset; i < found.size() && messages.size() < call.limit; ++i) {
    json::object m;
    m["topic"] = found[i]->topic;
    add_payload(m, found[i]->payload);
    m["qos"] = found[i]->qos;
    messages.push_back(std::move(m));
  }
  call.respond(json_response(200, json::object{{"total", found.size()},
                                               {"offset", call.offset},
                                               {"limit", call.limit},
                                               {"messages", std::move(messages)}}));
}

void HttpRoutes::delete_retained(Call& call) {
  std::optional<std::string> filter = call.read_filter(std::nullopt);
  if (!filter) return;
  std::size_t deleted = 0;
  for (const MessagePtr& message : core_.retained_matching(*filter)) {
    // Broker-generated $SYS messages are not the clients' to delete.
    if (message->topic.starts_with("$SYS/")) continue;
    auto cleared = std::make_shared<Message>();
    cleared->topic = message->topic;
    cleared->retain = true;  // an empty retained payload clears the topic
    core_.retain(cleared);
    ++deleted;
  }
  STARLING_LOG(kInfo) << "admin API: deleted " << deleted << " retained message"
                      << (deleted == 1 ? "" : "s") << " matching '" << printable(*filter)
                      << "', as " << call.request.peer << " asked";
  call.respond(json_response(200, json::object{{"filter", *filter}, {"deleted", deleted}}));
}

void HttpRoutes::publish(Call& call) {
  boost::system::error_code parse_error;
  json::value body = json::parse(call.request.body, parse_error);
  if (parse_error) return (void)call.fail(400, "the body is not JSON: " + parse_error.message());
  if (!body.is_object()) return (void)call.fail(400, "the body must be a JSON object");
  const json::object& object = body.as_object();
  std::string topic;
  std::string payload;
  std::int64_t qos = 0;
  bool retain = false;
  bool has_topic = false;
  for (const auto& [key, value] : object) {
    if (key == "topic" && value.is_string()) {
      topic = std::string(value.as_string());
      has_topic = true;
    } else if (key == "payload" && value.is_string()) {
      payload = std::string(value.as_string());
    } else if (key == "qos" && value.is_int64()) {
      qos = value.as_int64();
    } else if (key == "retain" && value.is_bool()) {
      retain = value.as_bool();
    } else if (key == "topic" || key == "payload" || key == "qos" || key == "retain") {
      return (void)call.fail(400, "wrong type for " + quoted(key) +
                                      " (topic and payload: strings, qos: 0 to 2, retain: "
                                      "true or false)");
    } else {
      return (void)call.fail(
          400, "unknown key " + quoted(key) + " (expected topic, payload, qos, retain)");
    }
  }
  const MqttOptions& mqtt = core_.options().mqtt;
  if (!has_topic) return (void)call.fail(400, "a topic is required");
  if (!routing::is_valid_topic_name(topic) || !protocol::is_valid_mqtt_utf8(topic) ||
      topic.size() > core_.options().limits.max_topic_length) {
    return (void)call.fail(400, "invalid topic name " + quoted(topic));
  }
  if (qos < 0 || qos > mqtt.maximum_qos) {
    return (void)call.fail(400, "qos must be from 0 to " + std::to_string(mqtt.maximum_qos));
  }
  if (retain && !mqtt.retain_available) return (void)call.fail(400, "retain is not available");
  if (!services_.publish(topic, std::move(payload), static_cast<int>(qos), retain)) {
    return (void)call.fail(400, "the broker refused the message");
  }
  STARLING_LOG(kInfo) << "admin API: published to '" << printable(topic) << "' (QoS " << qos
                      << (retain ? ", retained" : "") << "), as " << call.request.peer << " asked";
  call.respond(json_response(200, json::object{{"published", true}, {"topic", topic}}));
}

void HttpRoutes::list_subscriptions(Call& call) {
  if (!call.read_paging()) return;
  std::optional<std::string> filter = call.read_filter("#");
  if (!filter) return;
  gather_sessions(
      core_.sessions(), true,
      [filter = *filter, offset = call.offset, limit = call.limit,
       respond = std::move(call.respond)](std::vector<SessionView> views) {
        std::sort(views.begin(), views.end(), [](const SessionView& a, const SessionView& b) {
          return a.client_id < b.client_id;
        });
        std::size_t total = 0;
        json::array subscriptions;
        for (const SessionView& view : views) {
          if (view.ended) continue;
          for (const auto& record : view.subscriptions) {
            // A subscription is listed when the query filter covers its own
            // filter (read as a topic: "a/#" lists "a/b" and "a/+").
            if (!routing::topic_matches(filter, record.filter)) continue;
            if (total++ < offset || subscriptions.size() >= limit) continue;
            json::object s = subscription_json(record);
            s["client_id"] = view.client_id;
            subscriptions.push_back(std::move(s));
          }
        }
        respond(json_response(200, json::object{{"total", total},
                                                {"offset", offset},
                                                {"limit", limit},
                                                {"subscriptions", std::move(subscriptions)}}));
      });
}

void HttpRoutes::stats(Call& call) {
  const BrokerStats& s = core_.stats();
  const auto get = [](const auto& counter) { return counter.load(std::memory_order_relaxed); };
  const auto by_qos = [&](const std::atomic<std::uint64_t>(&counters)[3]) {
    json::object counts;
    for (int qos = 0; qos < 3; ++qos) counts[std::to_string(qos)] = get(counters[qos]);
    return counts;
  };
  const auto uptime =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started_);
  json::object connections;
  connections["current"] = get(s.connections_current);
  connections["total"] = get(s.connections_total);
  json::object dropped;
  dropped["queue_full"] = get(s.messages_dropped_queue_full);
  dropped["expired"] = get(s.messages_dropped_expired);
  dropped["too_large"] = get(s.messages_dropped_too_large);
  dropped["denied"] = get(s.messages_denied);
  json::object messages;
  messages["received"] = get(s.messages_received);
  messages["sent"] = get(s.messages_sent);
  messages["received_by_qos"] = by_qos(s.messages_received_by_qos);
  messages["sent_by_qos"] = by_qos(s.messages_sent_by_qos);
  messages["dropped"] = std::move(dropped);
  json::object bytes;
  bytes["received"] = get(s.bytes_received);
  bytes["sent"] = get(s.bytes_sent);
  json::object body;
  body["uptime_seconds"] = uptime.count();
  body["connections"] = std::move(connections);
  body["clients_connected"] = get(s.clients_connected);
  body["sessions"] = core_.session_count();
  body["retained_messages"] = core_.retained_count();
  body["messages"] = std::move(messages);
  body["bytes"] = std::move(bytes);
  body["protocol_errors"] = get(s.protocol_errors);
  call.respond(json_response(200, body));
}

}  // namespace starling::admin
