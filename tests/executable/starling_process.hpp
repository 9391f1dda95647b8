#pragma once
// Runs the real `starling` executable as a child process for tests of the
// command line, logging and signal handling.
#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace starling::test {

class StarlingProcess {
 public:
  // Starts STARLING_BINARY with `args`; stderr is captured. Without a
  // --data-dir among them, the broker gets a fresh one of its own (removed
  // afterwards), so tests running side by side never share a store.
  explicit StarlingProcess(const std::vector<std::string>& args);
  ~StarlingProcess();  // SIGKILL if still running
  StarlingProcess(const StarlingProcess&) = delete;
  StarlingProcess& operator=(const StarlingProcess&) = delete;

  // Reads stderr until a line contains `needle`; returns that line, or ""
  // on timeout or exit.
  std::string wait_for_line(const std::string& needle, std::chrono::milliseconds timeout);
  // Waits for the process to exit; returns its exit status, or -1 on
  // timeout (or a signal death).
  int wait_exit(std::chrono::milliseconds timeout);
  void signal(int signal_number);
  // Everything read from stderr so far.
  const std::string& output() const { return output_; }

 private:
  bool read_some(std::chrono::milliseconds timeout);

  std::string own_data_dir_;
  pid_t pid_ = -1;
  int stderr_fd_ = -1;
  std::string output_;
  std::size_t scanned_ = 0;
  bool exited_ = false;
  int status_ = -1;
};

// The port of a "listening on tcp://127.0.0.1:PORT" log line; 0 if none.
int port_from_log(const std::string& line);

// A blocking loopback TCP socket for short raw exchanges.
int connect_loopback(int port);
void send_all(int fd, const std::string& bytes);
// Reads up to `n` bytes with a timeout; fewer if the peer closes.
std::string read_bytes(int fd, std::size_t n, std::chrono::milliseconds timeout);

}  // namespace starling::test
