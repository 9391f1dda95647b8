// Statements the suite does not check against a server, each with the reason.
// Most bind only clients; a few need a facility no broker is required to have
// (an enhanced authentication method, a way to make it refuse a message) or a
// transport the suite does not speak.
#include "statements/common.hpp"

namespace starling::conformance {
namespace {

struct Entry {
  const char* id;
  const char* text;
  const char* reason;
};

constexpr const char* kClient = "binds the client only";
constexpr const char* kWebSocket = "WebSocket transport; the suite speaks plain TCP";

constexpr Entry kV311Entries[] = {
    {"MQTT-2.3.1-2", "a new SUBSCRIBE/UNSUBSCRIBE/PUBLISH uses an unused packet id", kClient},
    {"MQTT-2.3.1-3", "a resent packet keeps its packet id", kClient},
    {"MQTT-3.1.2-23", "the client sends a packet within each Keep Alive period", kClient},
    {"MQTT-3.1.3-7", "a zero-length client id needs clean session 1", kClient},
    {"MQTT-3.3.5-2", "an unauthorised PUBLISH is acknowledged or closed",
     "needs an authorisation policy; no broker-independent way to be refused"},
    {"MQTT-3.14.4-1", "after DISCONNECT the client closes the connection", kClient},
    {"MQTT-3.14.4-2", "after DISCONNECT the client sends nothing more", kClient},
    {"MQTT-4.5.0-2", "the client acknowledges each PUBLISH per its QoS", kClient},
    {"MQTT-4.6.0-1", "resent PUBLISH packets keep their original order", kClient},
    {"MQTT-4.6.0-2", "PUBACKs are sent in the order of the PUBLISHes", kClient},
    {"MQTT-4.6.0-3", "PUBRECs are sent in the order of the PUBLISHes", kClient},
    {"MQTT-4.6.0-4", "PUBRELs are sent in the order of the PUBRECs", kClient},
    {"MQTT-4.8.0-2", "a transient error closes the connection",
     "a transient server error cannot be provoked from outside"},
    {"MQTT-6.0.0-1", "non-binary WebSocket frames close the connection", kWebSocket},
    {"MQTT-6.0.0-2", "MQTT packets need not align with WebSocket frames", kWebSocket},
    {"MQTT-6.0.0-3", "the client offers the 'mqtt' subprotocol", kWebSocket},
    {"MQTT-6.0.0-4", "the server selects the 'mqtt' subprotocol", kWebSocket},
};

constexpr const char* kNoAuth =
    "needs an enhanced authentication method shared by broker and suite; none is standard";

constexpr Entry kV5Entries[] = {
    {"MQTT-2.2.1-3", "the client assigns unused packet ids", kClient},
    {"MQTT-3.1.2-20", "the client sends a packet within each Keep Alive period", kClient},
    {"MQTT-3.1.2-21", "the client uses the Server Keep Alive", kClient},
    {"MQTT-3.1.2-30", "the client sends only AUTH/DISCONNECT before CONNACK when authenticating",
     kClient},
    {"MQTT-3.2.2-4", "a client without session state closes on session present 1", kClient},
    {"MQTT-3.2.2-5", "a client discards its state on session present 0", kClient},
    {"MQTT-3.2.2-11", "the client does not publish above Maximum QoS", kClient},
    {"MQTT-3.2.2-14", "the client does not send RETAIN 1 when unavailable", kClient},
    {"MQTT-3.2.2-15", "the client respects the server's Maximum Packet Size", kClient},
    {"MQTT-3.2.2-17", "the client respects the server's Topic Alias Maximum", kClient},
    {"MQTT-3.2.2-18", "the client sends no topic alias when the maximum is 0", kClient},
    {"MQTT-3.2.2-21", "the client uses the Server Keep Alive", kClient},
    {"MQTT-3.3.2-9", "the client sends no topic alias above the server's maximum", kClient},
    {"MQTT-3.3.2-10", "the client accepts the server's topic aliases", kClient},
    {"MQTT-3.3.4-6", "a client's PUBLISH carries no Subscription Identifier", kClient},
    {"MQTT-3.3.4-7", "the client respects the server's Receive Maximum", kClient},
    {"MQTT-3.3.4-8", "the client does not delay other packets for Receive Maximum", kClient},
    {"MQTT-3.6.2-2", "PUBREL adds no Reason String past Maximum Packet Size",
     "a server adds no Reason String to PUBREL in any flow the suite can provoke"},
    {"MQTT-3.6.2-3", "PUBREL adds no User Property past Maximum Packet Size",
     "a server adds no User Property to PUBREL in any flow the suite can provoke"},
    {"MQTT-3.15.2-1", "AUTH reason codes are from the AUTH table", kNoAuth},
    {"MQTT-3.15.2-2", "AUTH adds no Reason String past Maximum Packet Size", kNoAuth},
    {"MQTT-3.15.2-3", "AUTH adds no User Property past Maximum Packet Size", kNoAuth},
    {"MQTT-4.2.0-1", "the transport is ordered and lossless",
     "a property of the transport (TCP), not of the broker"},
    {"MQTT-4.3.3-9", "after a PUBREC of 0x80 or above the same id is a new message",
     "no broker-independent way to make the server refuse a QoS 2 PUBLISH"},
    {"MQTT-4.5.0-2", "the client acknowledges each PUBLISH per its QoS", kClient},
    {"MQTT-4.6.0-1", "resent PUBLISH packets keep their original order", kClient},
    {"MQTT-4.6.0-2", "PUBACKs are sent in the order of the PUBLISHes", kClient},
    {"MQTT-4.6.0-3", "PUBRECs are sent in the order of the PUBLISHes", kClient},
    {"MQTT-4.6.0-4", "PUBRELs are sent in the order of the PUBRECs", kClient},
    {"MQTT-4.12.0-2", "the server continues authentication with AUTH 0x18", kNoAuth},
    {"MQTT-4.12.0-3", "the client continues authentication with AUTH 0x18", kClient},
    {"MQTT-4.12.0-4", "failed authentication is refused and closed", kNoAuth},
    {"MQTT-4.12.0-5", "AUTH and CONNACK carry the CONNECT's Authentication Method", kNoAuth},
    {"MQTT-4.12.0-7", "the client sends no AUTH without an Authentication Method", kClient},
    {"MQTT-4.12.1-1", "re-authentication uses the same method", kNoAuth},
    {"MQTT-4.12.1-2", "failed re-authentication closes the connection", kNoAuth},
    {"MQTT-6.0.0-1", "non-binary WebSocket frames close the connection", kWebSocket},
    {"MQTT-6.0.0-2", "MQTT packets need not align with WebSocket frames", kWebSocket},
    {"MQTT-6.0.0-3", "the client offers the 'mqtt' subprotocol", kWebSocket},
    {"MQTT-6.0.0-4", "the server selects the 'mqtt' subprotocol", kWebSocket},
};

}  // namespace

void register_not_applicable(Registry& r) {
  for (const Entry& e : kV311Entries) r.not_applicable(kV3, e.id, e.text, e.reason);
  for (const Entry& e : kV5Entries) r.not_applicable(kV5, e.id, e.text, e.reason);
}

}  // namespace starling::conformance
