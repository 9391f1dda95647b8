#pragma once
// The children of a topic-tree node, keyed by level, and the helpers both
// topic trees use to add, remove and free nodes.
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace starling::routing {

// Hashes std::string and std::string_view alike, so a lookup by a level
// taken from a topic does not build a std::string.
struct LevelHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view level) const noexcept {
    return std::hash<std::string_view>{}(level);
  }
};

// Children by level. Elements keep their address across rehashing, so a
// child may hold a string_view of its own key.
template <typename Node>
using LevelMap = std::unordered_map<std::string, std::unique_ptr<Node>, LevelHash, std::equal_to<>>;

// The helpers below expect a Node with these members:
//   Node* parent;                 // nullptr for the root
//   std::string_view level;       // its key in parent->children
//   LevelMap<Node> children;
//   void take_children(std::vector<std::unique_ptr<Node>>& out);  // moves every child out

// Frees a whole tree without recursion: a filter may have tens of thousands
// of levels, and nested unique_ptrs would be destroyed one stack frame each.
struct TreeDeleter {
  template <typename Node>
  void operator()(Node* root) const {
    std::vector<std::unique_ptr<Node>> pending;
    pending.emplace_back(root);
    while (!pending.empty()) {
      std::unique_ptr<Node> node = std::move(pending.back());
      pending.pop_back();
      node->take_children(pending);
    }
  }
};

// Owns a tree's root; moving it moves the whole tree.
template <typename Node>
using TreeRoot = std::unique_ptr<Node, TreeDeleter>;

// The child of `node` for the exact level `level`, added if missing (and then
// counted in `node_count`).
template <typename Node>
Node& child_or_add(Node& node, std::string_view level, std::size_t& node_count) {
  auto child = node.children.find(level);
  if (child == node.children.end()) {
    child = node.children.try_emplace(std::string(level), std::make_unique<Node>()).first;
    child->second->parent = &node;
    child->second->level = child->first;
    ++node_count;
  }
  return *child->second;
}

// The child of `node` for the exact level `level`, or nullptr.
template <typename Node>
Node* find_child(Node& node, std::string_view level) {
  const auto child = node.children.find(level);
  return child == node.children.end() ? nullptr : child->second.get();
}

// Frees `child`, which must be in its parent's `children`. Returns the parent.
template <typename Node>
Node* remove_child(Node& child) {
  Node* parent = child.parent;
  parent->children.erase(parent->children.find(child.level));
  return parent;
}

}  // namespace starling::routing
