#include <gtest/gtest.h>

#include "wire_bytes.hpp"

namespace starling::protocol {
namespace {

using testing::Bytes;
using testing::parse_bytes;

constexpr std::size_t kNoLimit = 1u << 30;

TEST(SplitFrame, NeedsMoreBytesWhenTheBufferIsEmpty) {
  EXPECT_EQ(split_frame({}, kNoLimit).status, FrameStatus::kIncomplete);
}

TEST(SplitFrame, NeedsMoreBytesWhenOnlyTheFirstByteArrived) {
  const Bytes bytes = parse_bytes("30");
  EXPECT_EQ(split_frame(bytes, kNoLimit).status, FrameStatus::kIncomplete);
}

TEST(SplitFrame, NeedsMoreBytesWhenTheLengthIsCutShort) {
  const Bytes bytes = parse_bytes("30 80 80");
  EXPECT_EQ(split_frame(bytes, kNoLimit).status, FrameStatus::kIncomplete);
}

TEST(SplitFrame, NeedsMoreBytesWhenTheBodyIsCutShort) {
  const Bytes bytes = parse_bytes("30 05 00 01 't'");
  EXPECT_EQ(split_frame(bytes, kNoLimit).status, FrameStatus::kIncomplete);
}

TEST(SplitFrame, FindsAPacketWithAnEmptyBody) {
  const Bytes bytes = parse_bytes("C0 00");
  const FrameResult result = split_frame(bytes, kNoLimit);
  ASSERT_EQ(result.status, FrameStatus::kComplete);
  EXPECT_EQ(result.frame.type(), PacketType::kPingreq);
  EXPECT_EQ(result.frame.header_size, 2u);
  EXPECT_EQ(result.frame.remaining_length, 0u);
}

TEST(SplitFrame, FindsOnlyTheFirstOfTwoPackets) {
  const Bytes bytes = parse_bytes("62 02 00 07 C0 00");
  const FrameResult result = split_frame(bytes, kNoLimit);
  ASSERT_EQ(result.status, FrameStatus::kComplete);
  EXPECT_EQ(result.frame.first_byte, 0x62);
  EXPECT_EQ(result.frame.type(), PacketType::kPubrel);
  EXPECT_EQ(result.frame.size(), 4u);
}

TEST(SplitFrame, ReadsTwoByteLengths) {
  Bytes bytes = parse_bytes("30 80 01");  // 128
  bytes.resize(3 + 128);
  const FrameResult result = split_frame(bytes, kNoLimit);
  ASSERT_EQ(result.status, FrameStatus::kComplete);
  EXPECT_EQ(result.frame.header_size, 3u);
  EXPECT_EQ(result.frame.remaining_length, 128u);
}

TEST(SplitFrame, ReadsThreeByteLengths) {
  Bytes bytes = parse_bytes("30 80 80 01");  // 16,384
  bytes.resize(4 + 16'384);
  const FrameResult result = split_frame(bytes, kNoLimit);
  ASSERT_EQ(result.status, FrameStatus::kComplete);
  EXPECT_EQ(result.frame.header_size, 4u);
  EXPECT_EQ(result.frame.remaining_length, 16'384u);
}

TEST(SplitFrame, ReadsTheLargestFourByteLengthBeforeTheBodyArrives) {
  const Bytes bytes = parse_bytes("30 FF FF FF 7F 00");
  const FrameResult result = split_frame(bytes, kNoLimit);
  EXPECT_EQ(result.status, FrameStatus::kIncomplete);
  EXPECT_EQ(result.frame.header_size, 5u);
  EXPECT_EQ(result.frame.remaining_length, 268'435'455u);
}

TEST(SplitFrame, RejectsAFiveByteLengthAsMalformed) {
  const Bytes bytes = parse_bytes("30 FF FF FF FF 01");
  EXPECT_EQ(split_frame(bytes, kNoLimit).status, FrameStatus::kMalformed);
}

TEST(SplitFrame, RejectsAFourthLengthByteWithItsContinuationBitAtOnce) {
  const Bytes bytes = parse_bytes("30 80 80 80 80");
  EXPECT_EQ(split_frame(bytes, kNoLimit).status, FrameStatus::kMalformed);
}

TEST(SplitFrame, ReportsTooLargeAsSoonAsTheLengthIsKnown) {
  const Bytes bytes = parse_bytes("30 FF 7F");  // 16,383 bytes of body announced
  const FrameResult result = split_frame(bytes, 1024);
  EXPECT_EQ(result.status, FrameStatus::kTooLarge);
  EXPECT_EQ(result.frame.remaining_length, 16'383u);
}

TEST(SplitFrame, CountsTheFixedHeaderTowardsTheMaximumSize) {
  const Bytes bytes = parse_bytes("40 02 00 01");
  EXPECT_EQ(split_frame(bytes, 4).status, FrameStatus::kComplete);
  EXPECT_EQ(split_frame(bytes, 3).status, FrameStatus::kTooLarge);
}

}  // namespace
}  // namespace starling::protocol
