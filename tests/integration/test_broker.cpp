#include "test_broker.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "net/broker_runtime.hpp"
#include "storage/store.hpp"

namespace starling::test {
namespace {

constexpr const char* kMosquittoPath = "/usr/sbin/mosquitto";
constexpr auto kStartupTimeout = std::chrono::seconds(5);

std::filesystem::path make_work_dir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "starling-integ-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  return pattern;
}

// Asks the kernel for a free loopback port. Another process could take it
// before mosquitto binds; startup then fails loudly rather than flakily.
std::uint16_t pick_free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof address;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    if (fd >= 0) ::close(fd);
    throw std::runtime_error("could not find a free port");
  }
  ::close(fd);
  return ntohs(address.sin_port);
}

bool accepts_connections(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(port);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return ok;
}

const char* yes_no(bool b) {
  return b ? "true" : "false";
}

}  // namespace

Options TestBroker::default_options() {
  Options options;
  ListenerOptions listener;
  listener.bind = "127.0.0.1:0";
  options.listeners.push_back(listener);
  options.threads = 2;
  options.log_level = "warn";
  return options;
}

bool TestBroker::is_mosquitto() {
  const char* external = std::getenv("STARLING_TEST_EXTERNAL_BROKER");
  return external != nullptr && std::string(external) == "mosquitto";
}

TestBroker::TestBroker(Options options) : options_(std::move(options)), work_dir_(make_work_dir()) {
  options_.data_dir = (work_dir_ / "data").string();
  if (is_mosquitto()) {
    start_mosquitto();
  } else {
    start_starling();
  }
}

TestBroker::TestBroker(Options options, StoreOpener open_store)
    : options_(std::move(options)), open_store_(std::move(open_store)), work_dir_(make_work_dir()) {
  options_.data_dir = (work_dir_ / "data").string();
  start_starling();
}

TestBroker::~TestBroker() {
  if (broker_) broker_->stop();
  broker_.reset();
  if (mosquitto_pid_ > 0) {
    ::kill(mosquitto_pid_, SIGTERM);
    int status = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    while (::waitpid(mosquitto_pid_, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > deadline) {
        ::kill(mosquitto_pid_, SIGKILL);
        ::waitpid(mosquitto_pid_, &status, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  std::error_code ignored;
  std::filesystem::remove_all(work_dir_, ignored);
}

bool TestBroker::running() const {
  if (broker_) return true;
  if (mosquitto_pid_ <= 0) return false;
  int status = 0;
  if (::waitpid(mosquitto_pid_, &status, WNOHANG) == 0) return true;
  mosquitto_pid_ = -1;
  return false;
}

void TestBroker::start_starling() {
  auto started = open_store_ ? BrokerRuntime::create(options_, open_store_) : Broker::start(options_);
  if (!started.ok()) {
    throw std::runtime_error("Starling did not start: " + started.error().message);
  }
  broker_ = std::move(started).value();
  const auto endpoints = broker_->endpoints();
  if (endpoints.empty() || endpoints.front().port == 0) {
    throw std::runtime_error("Starling reported no bound listener");
  }
  port_ = endpoints.front().port;
}

std::string TestBroker::mosquitto_config() const {
  const MqttOptions& mqtt = options_.mqtt;
  const LimitOptions& limits = options_.limits;
  std::ostringstream config;
  config << "listener " << port_ << " 127.0.0.1\n"
         << "allow_anonymous true\n"
         << "persistence false\n"
         << "log_dest stderr\n"
         << "log_type error\n"
         << "log_type warning\n"
         << "max_packet_size " << limits.max_packet_size
         << "\n"
         // mosquitto advertises max_inflight_messages as its Receive Maximum
         // and also uses it as the outbound in-flight window.
         << "max_inflight_messages " << limits.receive_maximum << "\n"
         << "max_queued_messages " << limits.max_queued_messages << "\n"
         << "max_queued_bytes " << limits.max_queued_bytes << "\n"
         << "max_keepalive " << mqtt.max_keep_alive << "\n"
         << "max_topic_alias " << mqtt.topic_alias_maximum << "\n"
         << "max_qos " << static_cast<int>(mqtt.maximum_qos) << "\n"
         << "retain_available " << yes_no(mqtt.retain_available) << "\n"
         << "allow_zero_length_clientid " << yes_no(mqtt.allow_zero_length_client_id) << "\n"
         << "queue_qos0_messages " << yes_no(mqtt.queue_qos0_offline) << "\n";
  // No mosquitto equivalent: wildcard / shared / subscription identifier
  // availability, max_session_expiry, max_inflight, connect_timeout_ms.
  return config.str();
}

void TestBroker::start_mosquitto() {
  port_ = pick_free_port();
  const auto config_path = work_dir_ / "mosquitto.conf";
  const auto log_path = work_dir_ / "mosquitto.log";
  std::ofstream(config_path) << mosquitto_config();

  mosquitto_pid_ = ::fork();
  if (mosquitto_pid_ < 0) throw std::runtime_error("fork failed");
  if (mosquitto_pid_ == 0) {
    const int log = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (log >= 0) {
      ::dup2(log, STDOUT_FILENO);
      ::dup2(log, STDERR_FILENO);
    }
    ::execl(kMosquittoPath, kMosquittoPath, "-c", config_path.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }

  const auto deadline = std::chrono::steady_clock::now() + kStartupTimeout;
  while (!accepts_connections(port_)) {
    if (!running() || std::chrono::steady_clock::now() > deadline) {
      std::ifstream log(log_path);
      std::stringstream text;
      text << log.rdbuf();
      throw std::runtime_error("mosquitto did not start on port " + std::to_string(port_) + ": " +
                               text.str());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace starling::test
