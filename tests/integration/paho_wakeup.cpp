#include "paho_wakeup.hpp"

#include <arpa/inet.h>
#include <mqtt/async_client.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>

namespace starling::test {
namespace {

constexpr auto kWakeInterval = std::chrono::milliseconds(5);

// Accepts the one wake-up client, answers its CONNECT, then sends PINGRESP
// every kWakeInterval and ignores whatever the client sends.
void serve_wakeup_client(int listener) {
  const int fd = ::accept(listener, nullptr, nullptr);
  ::close(listener);
  if (fd < 0) return;
  std::uint8_t buffer[512];
  if (::recv(fd, buffer, sizeof buffer, 0) <= 0) return;  // the CONNECT
  const std::uint8_t connack[] = {0x20, 0x02, 0x00, 0x00};
  const std::uint8_t pingresp[] = {0xD0, 0x00};
  if (::send(fd, connack, sizeof connack, MSG_NOSIGNAL) != sizeof connack) return;
  while (::send(fd, pingresp, sizeof pingresp, MSG_NOSIGNAL) == sizeof pingresp) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(kWakeInterval.count())) > 0 &&
        ::recv(fd, buffer, sizeof buffer, 0) <= 0) {
      break;
    }
  }
  ::close(fd);
}

void start_wakeup() {
  const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (listener < 0 ||
      ::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(listener, 1) != 0 ||
      ::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    throw std::runtime_error("could not start the Paho wake-up endpoint");
  }
  std::thread(serve_wakeup_client, listener).detach();

  // Never destroyed: it must outlive every test client, and tearing Paho
  // down during static destruction is not safe.
  auto* client =
      new mqtt::async_client("tcp://127.0.0.1:" + std::to_string(ntohs(address.sin_port)),
                             "paho-wakeup", mqtt::create_options(MQTTVERSION_3_1_1), nullptr);
  mqtt::connect_options options;
  options.set_mqtt_version(MQTTVERSION_3_1_1);
  options.set_keep_alive_interval(3600);
  options.set_clean_session(true);
  client->connect(options)->wait_for(std::chrono::seconds(5));
}

}  // namespace

void ensure_paho_wakeup() {
  static std::once_flag once;
  std::call_once(once, start_wakeup);
}

}  // namespace starling::test
