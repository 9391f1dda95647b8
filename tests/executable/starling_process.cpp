#include "starling_process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <regex>
#include <filesystem>
#include <stdexcept>
#include <thread>

namespace starling::test {

StarlingProcess::StarlingProcess(const std::vector<std::string>& given) {
  std::vector<std::string> args = given;
  if (std::find(args.begin(), args.end(), "--data-dir") == args.end()) {
    char path[] = "/tmp/starling-exe-XXXXXX";
    if (mkdtemp(path) != nullptr) {
      own_data_dir_ = path;
      args.push_back("--data-dir");
      args.push_back(own_data_dir_ + "/data");
    }
  }
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) throw std::runtime_error("pipe failed");
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    dup2(pipe_fds[1], STDERR_FILENO);
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    std::vector<char*> argv;
    std::string binary = STARLING_BINARY;
    argv.push_back(binary.data());
    std::vector<std::string> copies = args;
    for (std::string& a : copies) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  close(pipe_fds[1]);
  stderr_fd_ = pipe_fds[0];
  fcntl(stderr_fd_, F_SETFL, O_NONBLOCK);
}

StarlingProcess::~StarlingProcess() {
  if (!exited_ && pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  if (stderr_fd_ >= 0) close(stderr_fd_);
  if (!own_data_dir_.empty()) std::filesystem::remove_all(own_data_dir_);
}

bool StarlingProcess::read_some(std::chrono::milliseconds timeout) {
  pollfd p{stderr_fd_, POLLIN, 0};
  if (poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return false;
  char buffer[4096];
  ssize_t n = read(stderr_fd_, buffer, sizeof buffer);
  if (n <= 0) return false;
  output_.append(buffer, static_cast<std::size_t>(n));
  return true;
}

std::string StarlingProcess::wait_for_line(const std::string& needle,
                                           std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto found = output_.find(needle, scanned_);
    if (found != std::string::npos) {
      auto start = output_.rfind('\n', found);
      start = start == std::string::npos ? 0 : start + 1;
      auto end = output_.find('\n', found);
      if (end != std::string::npos) {
        scanned_ = end + 1;
        return output_.substr(start, end - start);
      }
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return "";
    if (!read_some(std::min(left, std::chrono::milliseconds(100))) && exited_) return "";
  }
}

int StarlingProcess::wait_exit(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!exited_) {
    int status = 0;
    pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      exited_ = true;
      status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      break;
    }
    if (std::chrono::steady_clock::now() > deadline) return -1;
    read_some(std::chrono::milliseconds(20));
  }
  while (read_some(std::chrono::milliseconds(0))) {
  }
  return status_;
}

void StarlingProcess::signal(int signal_number) { kill(pid_, signal_number); }

int connect_loopback(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

void send_all(int fd, const std::string& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return;
    sent += static_cast<std::size_t>(n);
  }
}

std::string read_bytes(int fd, std::size_t n, std::chrono::milliseconds timeout) {
  std::string result;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (result.size() < n) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
    char buffer[1024];
    ssize_t got = recv(fd, buffer, std::min(sizeof buffer, n - result.size()), 0);
    if (got <= 0) break;
    result.append(buffer, static_cast<std::size_t>(got));
  }
  return result;
}

int port_from_log(const std::string& line) {
  std::smatch m;
  if (!std::regex_search(line, m, std::regex(R"(listening on tcp://127\.0\.0\.1:(\d+))"))) return 0;
  return std::stoi(m[1]);
}

}  // namespace starling::test
