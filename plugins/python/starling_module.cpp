// The `starling` module scripts import: the event classes, verdicts and
// host functions bound here, then starling_api.py (the decorators and the
// plugin's private loop glue) run in the same namespace.
#include <pybind11/embed.h>
#include <pybind11/stl.h>

#include <stdexcept>
#include <string>

#include "hook_objects.hpp"
#include "hook_registry.hpp"
#include "plugin_context.hpp"

namespace starling::plugins::python {

extern const char* const kStarlingApiSource;

namespace {

namespace py = pybind11;

PluginContext& running_context() {
  PluginContext* context = active_context();
  if (context == nullptr) throw std::runtime_error("the starling plugin is not running");
  return *context;
}

// A payload as a script may give it: bytes-like, or str (sent as UTF-8).
std::string payload_bytes(py::handle value) {
  if (py::isinstance<py::str>(value)) return value.cast<std::string>();
  if (py::isinstance<py::bytes>(value)) return value.cast<std::string>();
  if (py::isinstance<py::bytearray>(value) || py::isinstance<py::memoryview>(value)) {
    return py::bytes(py::reinterpret_steal<py::object>(PyBytes_FromObject(value.ptr())))
        .cast<std::string>();
  }
  throw py::type_error("a payload is bytes, bytearray, memoryview or str, not " +
                       std::string(py::str(py::type::handle_of(value).attr("__name__"))));
}

int checked_qos(int qos) {
  if (qos < 0 || qos > 2)
    throw py::value_error("qos must be 0, 1 or 2, not " + std::to_string(qos));
  return qos;
}

py::object optional_bytes(const std::optional<std::string>& value) {
  if (!value) return py::none();
  return py::bytes(*value);
}

std::string quoted(const std::string& text) {
  return py::repr(py::str(text)).cast<std::string>();
}

const char* decision_name(starling_decision decision) {
  switch (decision) {
    case STARLING_ALLOW:
      return "allow";
    case STARLING_DENY:
      return "deny";
    default:
      return "next";
  }
}

std::string verdict_repr(const Verdict& verdict) {
  if (verdict.decision != STARLING_DENY || (verdict.reason_code == 0 && !verdict.reason)) {
    return std::string("starling.") + (verdict.decision == STARLING_ALLOW  ? "ALLOW"
                                       : verdict.decision == STARLING_DENY ? "DENY"
                                                                           : "NEXT");
  }
  std::string text = "starling.deny(" + std::to_string(verdict.reason_code);
  if (verdict.reason) text += ", " + quoted(*verdict.reason);
  return text + ")";
}

HookKind parse_kind(const std::string& name) {
  for (std::size_t i = 0; i < kHookKinds; ++i) {
    const auto kind = static_cast<HookKind>(i);
    if (name == hook_kind_name(kind)) return kind;
  }
  throw py::value_error("no such hook: " + name);
}

void bind_events(py::module_& m) {
  py::class_<ClientInfo, std::shared_ptr<ClientInfo>>(m, "Client",
                                                      "The client a hook is about (read-only).")
      .def_readonly("client_id", &ClientInfo::client_id)
      .def_readonly("username", &ClientInfo::username, "str, or None when the CONNECT had none")
      .def_readonly("peer", &ClientInfo::peer, "the remote address, \"tcp://127.0.0.1:50312\"")
      .def_readonly("protocol_version", &ClientInfo::protocol_version, "3, 4 (3.1.1) or 5")
      .def_readonly("listener", &ClientInfo::listener, "the listener's bind, \"0.0.0.0:1883\"")
      .def_readonly("certificate_subject", &ClientInfo::certificate_subject,
                    "TLS client certificate subject, \"CN=dev1,O=Acme\"; \"\" without one")
      .def_readonly("certificate_common_name", &ClientInfo::certificate_common_name,
                    "TLS client certificate CN; \"\" without one")
      .def("__repr__", [](const ClientInfo& c) {
        return "<starling.Client " + quoted(c.client_id) + " from " + c.peer + ">";
      });

  py::class_<ConnectInfo, ClientInfo, std::shared_ptr<ConnectInfo>>(
      m, "Connect", "A CONNECT to authenticate: the client and its credentials.")
      .def_property_readonly(
          "password", [](const ConnectInfo& c) { return optional_bytes(c.password); },
          "bytes, or None when the CONNECT had none")
      .def_readonly("clean_start", &ConnectInfo::clean_start)
      .def_readonly("keep_alive", &ConnectInfo::keep_alive, "seconds")
      .def("__repr__", [](const ConnectInfo& c) {
        return "<starling.Connect " + quoted(c.client_id) + " user " +
               (c.username ? quoted(*c.username) : std::string("None")) + " from " + c.peer + ">";
      });

  py::class_<ConnectionInfo, ClientInfo, std::shared_ptr<ConnectionInfo>>(
      m, "Connection", "A client that connected (on_connected) or left (on_disconnected).")
      .def_readonly("session_present", &ConnectionInfo::session_present,
                    "on_connected: an existing session was resumed")
      .def_readonly("reason", &ConnectionInfo::reason,
                    "on_disconnected: \"normal\" (DISCONNECT), \"lost\" or \"broker\"; "
                    "None in on_connected")
      .def("__repr__", [](const ConnectionInfo& c) {
        return "<starling.Connection " + quoted(c.client_id) + " from " + c.peer + ">";
      });

  py::class_<MessageInfo, std::shared_ptr<MessageInfo>>(
      m, "Message", "A PUBLISH. on_message may change topic, payload, qos and retain.")
      .def(py::init([](std::string topic, py::handle payload, int qos, bool retain) {
             auto message = std::make_shared<MessageInfo>();
             message->topic = std::move(topic);
             message->payload = payload_bytes(payload);
             message->qos = checked_qos(qos);
             message->retain = retain;
             return message;
           }),
           py::arg("topic"), py::arg("payload") = py::bytes(), py::arg("qos") = 0,
           py::arg("retain") = false)
      .def_readonly("client", &MessageInfo::client,
                    "the publisher (on_deliver: the subscriber); None for a Message you made")
      .def_readwrite("topic", &MessageInfo::topic)
      .def_property(
          "payload", [](const MessageInfo& message) { return py::bytes(message.payload); },
          [](MessageInfo& message, py::handle value) { message.payload = payload_bytes(value); },
          "bytes; a str is stored as UTF-8")
      .def_property(
          "qos", [](const MessageInfo& message) { return message.qos; },
          [](MessageInfo& message, int qos) { message.qos = checked_qos(qos); })
      .def_readwrite("retain", &MessageInfo::retain)
      .def("__repr__", [](const MessageInfo& message) {
        return "<starling.Message " + quoted(message.topic) + " " +
               std::to_string(message.payload.size()) + " bytes qos " +
               std::to_string(message.qos) + (message.retain ? " retained>" : ">");
      });

  py::class_<SubscriptionInfo, std::shared_ptr<SubscriptionInfo>>(
      m, "Subscription", "One filter of a SUBSCRIBE (read-only).")
      .def_readonly("client", &SubscriptionInfo::client)
      .def_readonly("filter", &SubscriptionInfo::filter, "as sent, \"$share/group/...\" included")
      .def_readonly("qos", &SubscriptionInfo::qos)
      .def("__repr__", [](const SubscriptionInfo& s) {
        return "<starling.Subscription " + quoted(s.filter) + " qos " + std::to_string(s.qos) + ">";
      });

  py::class_<DropInfo, std::shared_ptr<DropInfo>>(m, "Drop",
                                                  "A message the broker dropped (read-only).")
      .def_readonly("reason", &DropInfo::reason,
                    "\"queue_full\", \"evicted\", \"slow_consumer\", \"expired\", "
                    "\"no_subscribers\", \"denied\" or \"too_large\"")
      .def_readonly("client_id", &DropInfo::client_id,
                    "the subscriber it was meant for, or the publisher")
      .def_readonly("topic", &DropInfo::topic, "empty for \"evicted\"")
      .def_readonly("payload_size", &DropInfo::payload_size)
      .def_readonly("qos", &DropInfo::qos)
      .def_readonly("count", &DropInfo::count, "messages this event stands for")
      .def("__repr__", [](const DropInfo& d) {
        return "<starling.Drop " + d.reason + " " + quoted(d.topic) + ">";
      });
}

void bind_verdicts(py::module_& m) {
  py::class_<Verdict>(m, "Verdict", "What a decision hook answers: ALLOW, DENY, NEXT or deny(...).")
      .def_property_readonly("decision", [](const Verdict& v) { return decision_name(v.decision); })
      .def_readonly("reason_code", &Verdict::reason_code)
      .def_readonly("reason", &Verdict::reason)
      .def("__repr__", &verdict_repr)
      .def("__eq__",
           [](const Verdict& a, py::handle b) {
             if (!py::isinstance<Verdict>(b)) return false;
             const auto& other = b.cast<const Verdict&>();
             return a.decision == other.decision && a.reason_code == other.reason_code &&
                    a.reason == other.reason;
           })
      .def("__hash__", [](const Verdict& v) { return static_cast<int>(v.decision); });
  m.attr("ALLOW") = Verdict{STARLING_ALLOW, 0, std::nullopt};
  m.attr("DENY") = Verdict{STARLING_DENY, 0, std::nullopt};
  m.attr("NEXT") = Verdict{STARLING_NEXT, 0, std::nullopt};
  m.def(
      "deny",
      [](int reason_code, std::optional<std::string> reason) {
        if (reason_code < 0 || reason_code > 0xFF) {
          throw py::value_error("reason_code is a byte (0 for the hook's default, or 0x80..0xFF)");
        }
        return Verdict{STARLING_DENY, static_cast<std::uint8_t>(reason_code), std::move(reason)};
      },
      py::arg("reason_code") = 0, py::arg("reason") = py::none(),
      "DENY with an MQTT reason code (and a v5 reason string).");
}

void bind_host(py::module_& m) {
  m.attr("TRACE") = static_cast<int>(STARLING_LOG_TRACE);
  m.attr("DEBUG") = static_cast<int>(STARLING_LOG_DEBUG);
  m.attr("INFO") = static_cast<int>(STARLING_LOG_INFO);
  m.attr("WARN") = static_cast<int>(STARLING_LOG_WARN);
  m.attr("ERROR") = static_cast<int>(STARLING_LOG_ERROR);
  m.def(
      "log",
      [](int level, const std::string& text) {
        if (level < STARLING_LOG_TRACE || level > STARLING_LOG_ERROR) {
          throw py::value_error("level is one of starling.TRACE, DEBUG, INFO, WARN, ERROR");
        }
        running_context().host.log(static_cast<starling_log_level>(level), text);
      },
      py::arg("level"), py::arg("text"), "Writes a line to the broker's log.");
  m.def(
      "publish",
      [](const std::string& topic, py::handle payload, int qos, bool retain) {
        PluginContext& context = running_context();
        const std::string bytes = payload_bytes(payload);
        checked_qos(qos);
        bool published = false;
        {
          // The broker may call hooks of other plugins, or ours, meanwhile.
          py::gil_scoped_release release;
          published = context.host.publish(topic, bytes, qos, retain);
        }
        if (!published) throw py::value_error("the broker refused to publish to " + quoted(topic));
      },
      py::arg("topic"), py::arg("payload") = py::bytes(), py::arg("qos") = 0,
      py::arg("retain") = false,
      "Publishes as the broker; retain=True with an empty payload clears the retained message.");
  m.def(
      "disconnect",
      [](const std::string& client_id, bool send_will) {
        PluginContext& context = running_context();
        py::gil_scoped_release release;
        return context.host.disconnect_client(client_id, send_will);
      },
      py::arg("client_id"), py::arg("send_will") = false,
      "Disconnects a client (v5 reason 0x98); False when it is not connected.");
  m.def("_register", [](const std::string& kind, py::object function,
                        std::vector<std::string> filters, std::uint32_t interval_ms, bool is_async,
                        std::string where) {
    PluginContext& context = running_context();
    if (context.loading == nullptr) {
      throw std::runtime_error("hooks are registered while the script loads, not later (" + where +
                               ")");
    }
    Status added = context.loading->add(Hook{parse_kind(kind), std::move(function), is_async,
                                             std::move(filters), interval_ms, std::move(where)});
    if (!added) throw py::value_error(added.error().message);
  });
}

}  // namespace

PYBIND11_EMBEDDED_MODULE(starling, m) {
  bind_events(m);
  bind_verdicts(m);
  bind_host(m);
  py::module_ builtins = py::module_::import("builtins");
  py::object code = builtins.attr("compile")(kStarlingApiSource, "<starling>", "exec");
  builtins.attr("exec")(code, m.attr("__dict__"));
}

}  // namespace starling::plugins::python
