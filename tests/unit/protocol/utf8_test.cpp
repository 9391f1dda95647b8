#include "protocol/utf8.hpp"

#include <gtest/gtest.h>

#include <string>

namespace starling::protocol {
namespace {

TEST(MqttUtf8, AcceptsAsciiAndTheEmptyString) {
  EXPECT_TRUE(is_valid_mqtt_utf8(""));
  EXPECT_TRUE(is_valid_mqtt_utf8("sport/tennis/+/#"));
}

TEST(MqttUtf8, AcceptsTwoThreeAndFourByteSequences) {
  EXPECT_TRUE(is_valid_mqtt_utf8("caf\xC3\xA9"));        // U+00E9
  EXPECT_TRUE(is_valid_mqtt_utf8("\xE2\x82\xAC"));       // U+20AC
  EXPECT_TRUE(is_valid_mqtt_utf8("\xF0\x9F\x98\x80"));   // U+1F600
  EXPECT_TRUE(is_valid_mqtt_utf8("A\xF0\xAA\x9B\x94"));  // U+2A6D4, the spec's example
}

TEST(MqttUtf8, AcceptsTheCodePointsAtEachSideOfTheSurrogates) {
  EXPECT_TRUE(is_valid_mqtt_utf8("\xED\x9F\xBF"));  // U+D7FF
  EXPECT_TRUE(is_valid_mqtt_utf8("\xEE\x80\x80"));  // U+E000
}

TEST(MqttUtf8, AcceptsTheLargestCodePointsOfEachLength) {
  EXPECT_TRUE(is_valid_mqtt_utf8("\x7F"));
  EXPECT_TRUE(is_valid_mqtt_utf8("\xDF\xBF"));          // U+07FF
  EXPECT_TRUE(is_valid_mqtt_utf8("\xEF\xBF\xBF"));      // U+FFFF (a non-character: allowed)
  EXPECT_TRUE(is_valid_mqtt_utf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF
}

TEST(MqttUtf8, AcceptsControlCharactersOtherThanNul) {
  EXPECT_TRUE(is_valid_mqtt_utf8("\x01\x1F"));
  EXPECT_TRUE(is_valid_mqtt_utf8("\xC2\x80\xC2\x9F"));  // U+0080, U+009F
}

TEST(MqttUtf8, RejectsNul) {
  EXPECT_FALSE(is_valid_mqtt_utf8(std::string("a\0b", 3)));
  EXPECT_FALSE(is_valid_mqtt_utf8(std::string(1, '\0')));
}

TEST(MqttUtf8, RejectsOverlongForms) {
  EXPECT_FALSE(is_valid_mqtt_utf8("\xC0\x80"));          // U+0000 in two bytes
  EXPECT_FALSE(is_valid_mqtt_utf8("\xC1\xBF"));          // U+007F in two bytes
  EXPECT_FALSE(is_valid_mqtt_utf8("\xE0\x80\x80"));      // U+0000 in three bytes
  EXPECT_FALSE(is_valid_mqtt_utf8("\xE0\x9F\xBF"));      // U+07FF in three bytes
  EXPECT_FALSE(is_valid_mqtt_utf8("\xF0\x8F\xBF\xBF"));  // U+FFFF in four bytes
}

TEST(MqttUtf8, RejectsSurrogates) {
  EXPECT_FALSE(is_valid_mqtt_utf8("\xED\xA0\x80"));              // U+D800
  EXPECT_FALSE(is_valid_mqtt_utf8("\xED\xBF\xBF"));              // U+DFFF
  EXPECT_FALSE(is_valid_mqtt_utf8("\xED\xA0\xBD\xED\xB8\x80"));  // a CESU-8 pair
}

TEST(MqttUtf8, RejectsCodePointsAboveU10FFFF) {
  EXPECT_FALSE(is_valid_mqtt_utf8("\xF4\x90\x80\x80"));  // U+110000
  EXPECT_FALSE(is_valid_mqtt_utf8("\xF5\x80\x80\x80"));
  EXPECT_FALSE(is_valid_mqtt_utf8("\xFF"));
  EXPECT_FALSE(is_valid_mqtt_utf8("\xFE"));
}

TEST(MqttUtf8, RejectsStrayAndMissingContinuationBytes) {
  EXPECT_FALSE(is_valid_mqtt_utf8("\x80"));
  EXPECT_FALSE(is_valid_mqtt_utf8("a\xBF"));
  EXPECT_FALSE(is_valid_mqtt_utf8("\xC3"));  // cut short at the end
  EXPECT_FALSE(is_valid_mqtt_utf8("\xE2\x82"));
  EXPECT_FALSE(is_valid_mqtt_utf8("\xF0\x9F\x98"));
  EXPECT_FALSE(is_valid_mqtt_utf8("\xE2\x28\xA1"));      // second byte not a continuation
  EXPECT_FALSE(is_valid_mqtt_utf8("\xE2\x82\x28"));      // third byte not a continuation
  EXPECT_FALSE(is_valid_mqtt_utf8("\xF0\x9F\x98\x28"));  // fourth byte not a continuation
}

}  // namespace
}  // namespace starling::protocol
