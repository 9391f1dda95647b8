#pragma once
// RetainedTree: the retained message of each topic, found by topic filter.
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "routing/level_map.hpp"
#include "routing/level_split.hpp"

namespace starling::routing {

// At most one Value per topic name, in a trie over topic levels, so a
// SUBSCRIBE's filter is answered by walking only the matching branches: "#"
// visits each node below it once, with no per-topic re-matching. Nodes left
// empty by an erase are freed at once.
//
// Thread-safety: none of its own; the owner serialises access.
// REQUIRES: topics given to set/erase are valid topic names, filters given
// to match are valid non-shared filters.
// Movable, not copyable; a moved-from tree may only be destroyed or assigned to.
template <typename Value>
class RetainedTree {
 public:
  RetainedTree() : root_(new Node) {}

  // Stores `value` as the retained message of `topic`, replacing any.
  void set(std::string_view topic, Value value) {
    Node* node = root_.get();
    for (std::size_t pos = 0; pos != kNoMoreLevels;) {
      const Level level = split_level(topic, pos);
      node = &child_or_add(*node, level.text, node_count_);
      pos = level.next;
    }
    if (node->entry) {
      node->entry->value = std::move(value);
    } else {
      node->entry.emplace(Entry{std::string(topic), std::move(value)});
      ++size_;
    }
  }

  // Removes the retained message of `topic`. Returns true if there was one.
  bool erase(std::string_view topic) {
    Node* node = root_.get();
    for (std::size_t pos = 0; pos != kNoMoreLevels && node != nullptr;) {
      const Level level = split_level(topic, pos);
      node = find_child(*node, level.text);
      pos = level.next;
    }
    if (node == nullptr || !node->entry) return false;
    node->entry.reset();
    --size_;
    prune(node);
    return true;
  }

  // Calls f(std::string_view topic, const Value&) for each stored topic that
  // `filter` matches (wildcards in the first level skip topics starting with
  // '$'). Order is unspecified. f must not modify this tree.
  template <typename F>
  void match(std::string_view filter, F&& f) const {
    walk(Frame{root_.get(), 0}, filter, f);
  }

  // Calls f(std::string_view topic, const Value&) for every stored topic.
  template <typename F>
  void for_each(F&& f) const {
    walk(Frame{root_.get(), kWholeSubtree}, {}, f);
  }

  // Topics with a retained message.
  std::size_t size() const { return size_; }

  // Nodes below the root; 0 when the tree is empty. For tests and metrics.
  std::size_t node_count() const { return node_count_; }

 private:
  struct Entry {
    std::string topic;
    Value value;
  };

  struct Node {
    Node* parent = nullptr;
    std::string_view level;  // this node's key in parent->children
    LevelMap<Node> children;
    std::optional<Entry> entry;

    void take_children(std::vector<std::unique_ptr<Node>>& out) {
      for (auto& [level, child] : children) out.push_back(std::move(child));
      children.clear();
    }
  };

  // A Frame's filter_pos when the filter has been matched through '#': report
  // the node and everything below it. Filters are at most 65535 bytes, so no
  // real position collides with it.
  static constexpr std::size_t kWholeSubtree = kNoMoreLevels - 1;

  struct Frame {
    const Node* node;
    // Start of the filter level to match below node; kNoMoreLevels when the
    // filter is used up (node itself matches), or kWholeSubtree.
    std::size_t filter_pos;
  };

  // A depth-first walk with an explicit stack, so deep trees cannot overflow
  // the call stack.
  template <typename F>
  void walk(Frame start, std::string_view filter, F& f) const {
    std::vector<Frame> stack{start};
    const auto report = [&](const Node& node) {
      if (node.entry) f(std::string_view(node.entry->topic), std::as_const(node.entry->value));
    };
    const auto push_children = [&](const Node& node, std::size_t filter_pos, bool skip_dollar) {
      for (const auto& [level, child] : node.children) {
        if (!(skip_dollar && level.starts_with('$'))) stack.push_back({child.get(), filter_pos});
      }
    };
    while (!stack.empty()) {
      const Frame frame = stack.back();
      stack.pop_back();
      const Node& node = *frame.node;
      if (frame.filter_pos == kNoMoreLevels) {
        report(node);
        continue;
      }
      if (frame.filter_pos == kWholeSubtree) {
        report(node);
        push_children(node, kWholeSubtree, false);
        continue;
      }
      // Wildcards in the first level do not match topics starting with '$'
      // (MQTT 5.0 4.7.2).
      const bool at_root = &node == root_.get();
      const Level level = split_level(filter, frame.filter_pos);
      if (level.text == "#") {
        report(node);  // "a/#" matches "a"; the root holds no entry
        push_children(node, kWholeSubtree, at_root);
      } else if (level.text == "+") {
        push_children(node, level.next, at_root);
      } else if (const Node* child = find_child(node, level.text)) {
        stack.push_back({child, level.next});
      }
    }
  }

  // Frees `node` and its ancestors while they hold nothing.
  void prune(Node* node) {
    while (node != root_.get() && !node->entry && node->children.empty()) {
      node = remove_child(*node);
      --node_count_;
    }
  }

  TreeRoot<Node> root_;
  std::size_t size_ = 0;
  std::size_t node_count_ = 0;
};

}  // namespace starling::routing
