// starling._starling: the compiled half of the `starling` package. The
// package (starling/__init__.py) re-exports it and adds the Pythonic parts:
// keyword arguments, the config dict, Subscription objects, the iterator
// form and the callback wrappers that log exceptions.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <string>

#include "embedded_broker.hpp"
#include "starling/version.hpp"

namespace starling::python {
namespace {

namespace py = pybind11;

// A payload as Python gives it: bytes-like, or str (sent as UTF-8).
std::string payload_bytes(py::handle value) {
  if (py::isinstance<py::str>(value) || py::isinstance<py::bytes>(value)) {
    return value.cast<std::string>();
  }
  if (py::isinstance<py::bytearray>(value) || py::isinstance<py::memoryview>(value)) {
    return py::reinterpret_steal<py::bytes>(PyBytes_FromObject(value.ptr())).cast<std::string>();
  }
  throw py::type_error("a payload is bytes, bytearray, memoryview or str, not " +
                       py::str(py::type::handle_of(value).attr("__name__")).cast<std::string>());
}

std::uint8_t checked_qos(int qos) {
  if (qos < 0 || qos > 2)
    throw py::value_error("qos must be 0, 1 or 2, not " + std::to_string(qos));
  return static_cast<std::uint8_t>(qos);
}

py::object optional_bytes(const std::optional<std::string>& value) {
  if (!value) return py::none();
  return py::bytes(*value);
}

std::optional<std::string> optional_payload(const py::object& value) {
  if (value.is_none()) return std::nullopt;
  return payload_bytes(value);
}

void bind_message(py::module_& m) {
  py::class_<ApplicationMessage>(m, "Message",
                                 "An MQTT application message, as received or to publish.")
      .def(py::init([](std::string topic, py::handle payload, int qos, bool retain) {
             ApplicationMessage message;
             message.topic = std::move(topic);
             message.payload = payload_bytes(payload);
             message.qos = checked_qos(qos);
             message.retain = retain;
             return message;
           }),
           py::arg("topic"), py::arg("payload") = py::bytes(), py::arg("qos") = 0,
           py::arg("retain") = false)
      .def_readwrite("topic", &ApplicationMessage::topic)
      .def_property(
          "payload", [](const ApplicationMessage& m) { return py::bytes(m.payload); },
          [](ApplicationMessage& m, py::handle value) { m.payload = payload_bytes(value); },
          "bytes; a str is stored as UTF-8")
      .def_property(
          "qos", [](const ApplicationMessage& m) { return m.qos; },
          [](ApplicationMessage& m, int qos) { m.qos = checked_qos(qos); })
      .def_readwrite("retain", &ApplicationMessage::retain)
      .def_readwrite("payload_format_indicator", &ApplicationMessage::payload_format_indicator)
      .def_readwrite("content_type", &ApplicationMessage::content_type)
      .def_readwrite("response_topic", &ApplicationMessage::response_topic)
      .def_property(
          "correlation_data",
          [](const ApplicationMessage& m) { return optional_bytes(m.correlation_data); },
          [](ApplicationMessage& m, const py::object& value) {
            m.correlation_data = optional_payload(value);
          },
          "bytes or None")
      .def_readwrite("message_expiry_interval", &ApplicationMessage::message_expiry_interval)
      .def_readwrite("user_properties", &ApplicationMessage::user_properties,
                     "a list of (name, value) pairs, in order")
      .def_property_readonly(
          "text",
          [](const ApplicationMessage& m) { return py::bytes(m.payload).attr("decode")("utf-8"); },
          "the payload decoded as UTF-8 (UnicodeDecodeError if it is not)")
      .def("__repr__", [](const ApplicationMessage& m) {
        return "<starling.Message " + py::repr(py::str(m.topic)).cast<std::string>() + " " +
               std::to_string(m.payload.size()) + " bytes qos " + std::to_string(m.qos) +
               (m.retain ? " retained>" : ">");
      });
}

void bind_broker(py::module_& m) {
  py::class_<Endpoint>(m, "Endpoint", "A listener the broker bound.")
      .def_readonly("type", &Endpoint::type, "\"tcp\", \"ws\", \"unix\", ... or \"http\"")
      .def_readonly("host", &Endpoint::host, "the address, or the socket path for \"unix\"")
      .def_readonly("port", &Endpoint::port, "the real port (0 for \"unix\")")
      .def("__repr__", [](const Endpoint& e) {
        return "<starling.Endpoint " + e.type + " " + e.host + ":" + std::to_string(e.port) + ">";
      });

  py::class_<BrokerSettings>(m, "_Settings")
      .def(py::init<>())
      .def_readwrite("config_text", &BrokerSettings::config_text)
      .def_readwrite("config_path", &BrokerSettings::config_path)
      .def_readwrite("listen", &BrokerSettings::listen)
      .def_readwrite("data_dir", &BrokerSettings::data_dir)
      .def_readwrite("durability", &BrokerSettings::durability)
      .def_readwrite("threads", &BrokerSettings::threads)
      .def_readwrite("log_level", &BrokerSettings::log_level)
      .def_readwrite("queue_size", &BrokerSettings::queue_size);

  py::class_<EmbeddedBroker>(m, "_Broker")
      .def(py::init<BrokerSettings>())
      .def("start", &EmbeddedBroker::start)
      .def("stop", &EmbeddedBroker::stop)
      .def_property_readonly("running", &EmbeddedBroker::running)
      .def("endpoints", &EmbeddedBroker::endpoints)
      .def(
          "publish",
          [](EmbeddedBroker& broker, std::string topic, py::handle payload, int qos, bool retain,
             std::optional<std::string> content_type, std::optional<std::string> response_topic,
             const py::object& correlation_data, std::optional<int> payload_format_indicator,
             std::optional<std::uint32_t> message_expiry_interval,
             std::vector<std::pair<std::string, std::string>> user_properties) {
            ApplicationMessage message;
            message.topic = std::move(topic);
            message.payload = payload_bytes(payload);
            message.qos = checked_qos(qos);
            message.retain = retain;
            message.content_type = std::move(content_type);
            message.response_topic = std::move(response_topic);
            message.correlation_data = optional_payload(correlation_data);
            if (payload_format_indicator) {
              if (*payload_format_indicator < 0 || *payload_format_indicator > 1) {
                throw py::value_error("payload_format_indicator is 0 (bytes) or 1 (UTF-8)");
              }
              message.payload_format_indicator =
                  static_cast<std::uint8_t>(*payload_format_indicator);
            }
            message.message_expiry_interval = message_expiry_interval;
            message.user_properties = std::move(user_properties);
            broker.publish(std::move(message));
          },
          py::arg("topic"), py::arg("payload"), py::arg("qos"), py::arg("retain"),
          py::arg("content_type"), py::arg("response_topic"), py::arg("correlation_data"),
          py::arg("payload_format_indicator"), py::arg("message_expiry_interval"),
          py::arg("user_properties"))
      .def("subscribe", &EmbeddedBroker::subscribe, py::arg("filter"), py::arg("callback"),
           py::arg("send_retained"), py::arg("retain_as_published"))
      .def("unsubscribe", &EmbeddedBroker::unsubscribe, py::arg("id"))
      .def_property_readonly("dropped", &EmbeddedBroker::dropped)
      .def_property_readonly("queue_size", &EmbeddedBroker::queue_size);
}

}  // namespace
}  // namespace starling::python

PYBIND11_MODULE(_starling, m) {
  using namespace starling::python;
  m.doc() = "The compiled half of the starling package; import starling instead.";
  m.attr("__version__") = starling::kVersion;
  py::register_exception<StarlingError>(m, "StarlingError", PyExc_RuntimeError);
  bind_message(m);
  bind_broker(m);
}
