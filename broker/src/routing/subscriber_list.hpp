#pragma once
// SubscriberList: the keys subscribed to one filter, with their options.
#include <cstddef>
#include <optional>
#include <span>
#include <unordered_map>
#include <utility>
#include <vector>

#include "routing/subscription_options.hpp"

namespace starling::routing {

// Entries are stored densely so a match iterates a plain array. Small lists
// are searched linearly; from kIndexFrom entries on, a key-to-position index
// keeps subscribe and unsubscribe O(1) for filters with many subscribers.
// Order of entries is unspecified (removal moves the last entry into the gap).
// Thread-safety: none; owned by a SubscriptionTree.
template <typename Key, typename Hash, typename Eq>
class SubscriberList {
 public:
  using Entry = std::pair<Key, SubscriptionOptions>;

  static constexpr std::size_t kIndexFrom = 16;
  // Below this the index is dropped again (hysteresis avoids rebuilding it
  // when a list hovers around kIndexFrom).
  static constexpr std::size_t kIndexDropBelow = 8;

  // Adds `key`, or replaces its options. Returns true on a replace.
  bool upsert(const Key& key, const SubscriptionOptions& options) {
    if (const std::optional<std::size_t> at = find(key)) {
      entries_[*at].second = options;
      return true;
    }
    entries_.emplace_back(key, options);
    if (indexed()) {
      index_.emplace(key, entries_.size() - 1);
    } else if (entries_.size() >= kIndexFrom) {
      for (std::size_t i = 0; i < entries_.size(); ++i) index_.emplace(entries_[i].first, i);
    }
    return false;
  }

  // Removes `key`. Returns false if it was not there.
  bool erase(const Key& key) {
    const std::optional<std::size_t> at = find(key);
    if (!at) return false;
    if (indexed()) index_.erase(entries_[*at].first);
    if (*at + 1 != entries_.size()) {
      entries_[*at] = std::move(entries_.back());
      if (indexed()) index_[entries_[*at].first] = *at;
    }
    entries_.pop_back();
    if (indexed() && entries_.size() < kIndexDropBelow) index_ = {};
    if (entries_.empty()) entries_ = {};
    return true;
  }

  std::span<const Entry> entries() const { return entries_; }
  std::size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }

 private:
  // Whenever the index is in use it holds every entry, so it is non-empty.
  bool indexed() const { return !index_.empty(); }

  std::optional<std::size_t> find(const Key& key) const {
    if (indexed()) {
      const auto it = index_.find(key);
      if (it == index_.end()) return std::nullopt;
      return it->second;
    }
    for (std::size_t i = 0; i < entries_.size(); ++i) {
      if (Eq{}(entries_[i].first, key)) return i;
    }
    return std::nullopt;
  }

  std::vector<Entry> entries_;
  std::unordered_map<Key, std::size_t, Hash, Eq> index_;
};

}  // namespace starling::routing
