#pragma once
// What a Python hook receives, as C++ values copied out of the broker's
// event (its pointers are borrowed for the call only, and a script may keep
// an object past the hook). starling_module.cpp binds each to the Python
// class of the same name; fields map one to one. Copying needs no GIL, so
// an async hook's event is built on the broker thread and handed over.
// Thread-safety: none; an object belongs to one thread at a time.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "starling/plugin.h"

namespace starling::plugins::python {

// starling.Client: who a hook is about.
struct ClientInfo {
  std::string client_id;
  std::optional<std::string> username;
  std::string peer;
  int protocol_version = 0;
  std::string listener;
  std::string certificate_subject;      // "" unless TLS with a verified client certificate
  std::string certificate_common_name;

  virtual ~ClientInfo() = default;
  void copy_from(const starling_client& client);
};

// starling.Connect: a CONNECT to authenticate.
struct ConnectInfo : ClientInfo {
  std::optional<std::string> password;  // bytes in Python
  bool clean_start = false;
  int keep_alive = 0;

  static std::shared_ptr<ConnectInfo> from(const starling_auth_event& event);
};

// starling.Connection: a client that connected or whose connection ended.
struct ConnectionInfo : ClientInfo {
  bool session_present = false;
  std::optional<std::string> reason;  // on_disconnected: "normal", "lost", "broker"

  static std::shared_ptr<ConnectionInfo> connected(const starling_client_event& event);
  static std::shared_ptr<ConnectionInfo> disconnected(const starling_client_event& event);
};

// starling.Message: a PUBLISH; on_message may change it.
struct MessageInfo {
  std::shared_ptr<ClientInfo> client;  // publisher (on_deliver: subscriber); null if a hook made it
  std::string topic;
  std::string payload;  // bytes in Python
  int qos = 0;
  bool retain = false;

  static std::shared_ptr<MessageInfo> from(const starling_publish_event& event);
};

// starling.Subscription: one filter of a SUBSCRIBE.
struct SubscriptionInfo {
  std::shared_ptr<ClientInfo> client;
  std::string filter;
  int qos = 0;

  static std::shared_ptr<SubscriptionInfo> from(const starling_subscribe_event& event);
};

// starling.Drop: a message the broker dropped.
struct DropInfo {
  std::string reason;  // "queue_full", "evicted", ... (starling_drop_reason, lower case)
  std::string client_id;
  std::string topic;
  std::size_t payload_size = 0;
  int qos = 0;
  std::uint32_t count = 1;

  static std::shared_ptr<DropInfo> from(const starling_drop_event& event);
};

// starling.Verdict: what a decision hook answers.
struct Verdict {
  starling_decision decision = STARLING_NEXT;
  std::uint8_t reason_code = 0;
  std::optional<std::string> reason;  // v5 reason string, with deny only
};

}  // namespace starling::plugins::python
