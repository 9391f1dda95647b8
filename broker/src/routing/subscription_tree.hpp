#pragma once
// SubscriptionTree: the index of subscriptions every PUBLISH is matched against.
#include <algorithm>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "routing/level_map.hpp"
#include "routing/level_split.hpp"
#include "routing/shared_group.hpp"
#include "routing/subscriber_list.hpp"
#include "routing/subscription_options.hpp"

namespace starling::routing {

// Maps topic filters to the keys (sessions) subscribed to them, and shared
// subscriptions to their groups. A trie over topic levels: exact levels are
// hashed children, '+' and '#' have a slot of their own, so a match only
// walks branches that can match. Nodes left empty by an unsubscribe are
// freed at once.
//
// Thread-safety: none of its own. The broker keeps one replica per worker
// thread, and each replica is used from its thread only.
//
// REQUIRES, for every method taking a filter: is_valid_topic_filter(filter),
// and not a "$share/..." filter (shared subscriptions pass the group and the
// filter that parse_shared_subscription split off).
// Movable, not copyable; a moved-from tree may only be destroyed or assigned to.
template <typename Key, typename Hash = std::hash<Key>, typename Eq = std::equal_to<Key>>
class SubscriptionTree {
 public:
  using Group = SharedGroup<Key>;

  // The scratch stack starts with room for a match against the bare root.
  SubscriptionTree() : root_(new Node) { stack_.reserve(2); }

  // Adds a subscription of `key` to `filter`, or replaces its options.
  // Returns true when `key` already had this filter (a replace; retain
  // handling 1 depends on it).
  [[nodiscard]] bool subscribe(std::string_view filter, const Key& key,
                               const SubscriptionOptions& options) {
    Node& node = find_or_create(filter);
    const bool replaced = node.subscribers.upsert(key, options);
    if (!replaced) ++subscription_count_;
    return replaced;
  }

  // Removes the subscription of `key` to `filter`. Returns true if it existed
  // (false is UNSUBACK's "no subscription existed").
  [[nodiscard]] bool unsubscribe(std::string_view filter, const Key& key) {
    Node* node = find(filter);
    if (node == nullptr || !node->subscribers.erase(key)) return false;
    --subscription_count_;
    prune(node);
    return true;
  }

  // Adds `key` to the shared group (`group`, `filter`), creating the group if
  // needed, or replaces its options there. A new member joins at the end.
  // Returns true when `key` was already a member (a replace).
  // REQUIRES: `group` is a valid share name (see parse_shared_subscription).
  [[nodiscard]] bool subscribe_shared(std::string_view group, std::string_view filter,
                                      const Key& key, const SubscriptionOptions& options) {
    Node& node = find_or_create(filter);
    Group* shared = find_group(node, group);
    if (shared == nullptr) {
      node.groups.push_back(Group{std::string(group), std::string(filter), {}, 0});
      shared = &node.groups.back();
    }
    if (const auto member = find_member(*shared, key); member != shared->members.end()) {
      member->second = options;
      return true;
    }
    shared->members.emplace_back(key, options);
    ++subscription_count_;
    return false;
  }

  // Removes `key` from the shared group (`group`, `filter`); a group left
  // without members is deleted. Returns true if `key` was a member.
  [[nodiscard]] bool unsubscribe_shared(std::string_view group, std::string_view filter,
                                        const Key& key) {
    Node* node = find(filter);
    if (node == nullptr) return false;
    Group* shared = find_group(*node, group);
    if (shared == nullptr) return false;
    const auto member = find_member(*shared, key);
    if (member == shared->members.end()) return false;
    const auto position = static_cast<std::size_t>(member - shared->members.begin());
    shared->members.erase(member);
    if (position < shared->next) --shared->next;
    if (shared->next >= shared->members.size()) shared->next = 0;
    if (shared->members.empty()) {
      node->groups.erase(node->groups.begin() + (shared - node->groups.data()));
    }
    --subscription_count_;
    prune(node);
    return true;
  }

  // Calls on_subscription(const Key&, const SubscriptionOptions&) once per
  // non-shared subscription whose filter matches `topic` (a key subscribed
  // through two overlapping filters is reported twice; the caller merges),
  // and on_group(SharedGroup<Key>&) once per matching shared group. Order is
  // unspecified. Does not allocate.
  // REQUIRES: is_valid_topic_name(topic). The callbacks must not call back
  // into this tree.
  template <typename OnSubscription, typename OnGroup>
  void match(std::string_view topic, OnSubscription&& on_subscription, OnGroup&& on_group) {
    const auto report = [&](Node& node) {
      for (const auto& [key, options] : node.subscribers.entries()) on_subscription(key, options);
      for (Group& group : node.groups) on_group(group);
    };
    // Wildcards in the first level do not match topics starting with '$'
    // (MQTT 5.0 4.7.2).
    const bool dollar = topic.starts_with('$');
    // A depth-first walk with an explicit stack, so deep topics cannot
    // overflow the call stack. stack_ was reserved by find_or_create.
    stack_.clear();
    stack_.push_back({root_.get(), 0});
    while (!stack_.empty()) {
      const Frame frame = stack_.back();
      stack_.pop_back();
      Node& node = *frame.node;
      const bool wildcards_match = !(dollar && frame.node == root_.get());
      // '#' matches the remaining levels, or none ("a/#" matches "a").
      if (node.hash && wildcards_match) report(*node.hash);
      if (frame.topic_pos == kNoMoreLevels) {
        report(node);
        continue;
      }
      const Level level = split_level(topic, frame.topic_pos);
      if (node.plus && wildcards_match) stack_.push_back({node.plus.get(), level.next});
      if (Node* child = find_child(node, level.text)) stack_.push_back({child, level.next});
    }
  }

  // Subscriptions held, shared memberships included.
  std::size_t subscription_count() const { return subscription_count_; }

  // Nodes below the root; 0 when the tree is empty. For tests and metrics.
  std::size_t node_count() const { return node_count_; }

 private:
  struct Node {
    Node* parent = nullptr;
    std::string_view level;      // this node's key in parent->children, or "+" / "#"
    LevelMap<Node> children;     // exact levels
    std::unique_ptr<Node> plus;  // the '+' child
    std::unique_ptr<Node> hash;  // the '#' child; never has children
    SubscriberList<Key, Hash, Eq> subscribers;
    std::vector<Group> groups;  // shared groups on this filter, by name

    bool empty() const {
      return children.empty() && !plus && !hash && subscribers.empty() && groups.empty();
    }

    void take_children(std::vector<std::unique_ptr<Node>>& out) {
      for (auto& [level, child] : children) out.push_back(std::move(child));
      children.clear();
      if (plus) out.push_back(std::move(plus));
      if (hash) out.push_back(std::move(hash));
    }
  };

  struct Frame {
    Node* node;
    std::size_t topic_pos;  // start of the topic level to match below node, or kNoMoreLevels
  };

  Node& find_or_create(std::string_view filter) {
    Node* node = root_.get();
    std::size_t depth = 0;
    for (std::size_t pos = 0; pos != kNoMoreLevels;) {
      const Level level = split_level(filter, pos);
      node = &child_or_create(*node, level.text);
      pos = level.next;
      ++depth;
    }
    // match() pushes at most one pending frame per depth, plus two children of
    // the deepest node it expands; reserving here keeps match allocation-free.
    if (stack_.capacity() < depth + 2) stack_.reserve(depth + 2);
    return *node;
  }

  Node& child_or_create(Node& node, std::string_view level) {
    if (level == "+") return wildcard_child(node, node.plus, "+");
    if (level == "#") return wildcard_child(node, node.hash, "#");
    return child_or_add(node, level, node_count_);
  }

  Node& wildcard_child(Node& node, std::unique_ptr<Node>& slot, std::string_view level) {
    if (!slot) {
      slot = std::make_unique<Node>();
      slot->parent = &node;
      slot->level = level;
      ++node_count_;
    }
    return *slot;
  }

  // The node for `filter`, or nullptr if there is none.
  Node* find(std::string_view filter) {
    Node* node = root_.get();
    for (std::size_t pos = 0; pos != kNoMoreLevels && node != nullptr;) {
      const Level level = split_level(filter, pos);
      if (level.text == "+") {
        node = node->plus.get();
      } else if (level.text == "#") {
        node = node->hash.get();
      } else {
        node = find_child(*node, level.text);
      }
      pos = level.next;
    }
    return node;
  }

  // Frees `node` and its ancestors while they hold nothing.
  void prune(Node* node) {
    while (node != root_.get() && node->empty()) {
      Node* parent = node->parent;
      if (node == parent->plus.get()) {
        parent->plus.reset();
      } else if (node == parent->hash.get()) {
        parent->hash.reset();
      } else {
        remove_child(*node);
      }
      --node_count_;
      node = parent;
    }
  }

  static Group* find_group(Node& node, std::string_view name) {
    const auto group = std::find_if(node.groups.begin(), node.groups.end(),
                                    [&](const Group& g) { return g.name == name; });
    return group == node.groups.end() ? nullptr : &*group;
  }

  static auto find_member(Group& group, const Key& key) {
    return std::find_if(group.members.begin(), group.members.end(),
                        [&](const auto& member) { return Eq{}(member.first, key); });
  }

  TreeRoot<Node> root_;
  std::vector<Frame> stack_;  // match()'s scratch space, kept to avoid allocating
  std::size_t subscription_count_ = 0;
  std::size_t node_count_ = 0;
};

}  // namespace starling::routing
