#include "admin/session_view.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <utility>

#include "core/client_connection.hpp"

namespace starling::admin {
namespace {

SessionView view_of(Session& session, bool with_subscriptions) {
  SessionView view;
  view.client_id = session.client_id();
  view.ended = session.ended;
  if (session.ended) return view;
  view.protocol_version = protocol::protocol_level(session.version);
  view.expiry_interval = session.expiry_interval;
  if (session.expires_at) {
    const auto left = *session.expires_at - SteadyClock::now();
    view.expires_in_ms = static_cast<std::uint64_t>(std::max<std::int64_t>(
        0, std::chrono::duration_cast<std::chrono::milliseconds>(left).count()));
  }
  view.has_will = session.will.has_value();
  view.queued = session.outbound.queued_count();
  view.queued_bytes = session.outbound.queued_bytes();
  view.inflight = session.outbound.inflight_count();
  if (const ClientConnection* connection = session.connection) {
    view.connected = true;
    view.username = connection->username();
    view.address = connection->peer();
    view.listener = connection->listener().type + "://" + connection->listener().bind;
    view.keep_alive = connection->keep_alive();
    view.connection = connection->number();
  }
  view.subscription_count = session.subscriptions.size();
  if (with_subscriptions) {
    view.subscriptions.reserve(session.subscriptions.size());
    for (const auto& entry : session.subscriptions) view.subscriptions.push_back(entry.second);
  }
  return view;
}

}  // namespace

void gather_sessions(std::vector<SessionPtr> sessions, bool with_subscriptions,
                     std::function<void(std::vector<SessionView>)> done) {
  if (sessions.empty()) {
    done({});
    return;
  }
  struct Gathering {
    std::vector<SessionView> views;
    std::atomic<std::size_t> remaining;
    std::function<void(std::vector<SessionView>)> done;
  };
  auto gathering = std::make_shared<Gathering>();
  gathering->views.resize(sessions.size());
  gathering->remaining.store(sessions.size());
  gathering->done = std::move(done);
  for (std::size_t i = 0; i < sessions.size(); ++i) {
    // Each task writes only its own slot; the last one (acq_rel) sees all.
    sessions[i]->run([gathering, i, with_subscriptions](Session& session) {
      gathering->views[i] = view_of(session, with_subscriptions);
      if (gathering->remaining.fetch_sub(1, std::memory_order_acq_rel) == 1) {
        gathering->done(std::move(gathering->views));
      }
    });
  }
}

}  // namespace starling::admin
