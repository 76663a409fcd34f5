// lo/json_decode.hpp: RapidJSON's reader building nlohmann values must give
// exactly what nlohmann::ordered_json::parse gives, and refuse what it refuses.
#include <gtest/gtest.h>

#include "lo/json_decode.hpp"

using lo::Json;

namespace {

void same_as_nlohmann(const std::string& text) {
  auto ours = lo::decode_json(text);
  ASSERT_TRUE(ours) << text;
  Json theirs = Json::parse(text);
  EXPECT_EQ(*ours, theirs) << text;
  EXPECT_EQ(ours->dump(), theirs.dump()) << text;  // key order and number kinds too
}

}  // namespace

TEST(JsonDecode, SameValuesAsNlohmann) {
  for (std::string t : {
           R"({"kind":"PodList","metadata":{"resourceVersion":"42","continue":""},"items":[{"a":1},{"b":[true,false,null]}]})",
           R"([0, -0, 1, -1, 2147483647, 2147483648, -2147483649, 9223372036854775807, 18446744073709551615,
               18446744073709551616, -9223372036854775808, 1.5, -2.25e-3, 1e300, 0.1, 123456789.123456789])",
           R"({"z":1,"a":2,"m":{"y":[],"b":{}}})",
           R"("\u00e9\ud83d\ude00 tab\t nl\n quote\" slash\/ nul\u0000 end")",
           "\"caf\xc3\xa9\"",
           R"({"dup":1,"other":2,"dup":3})",
           "  {\"spaced\" : [ 1 , 2 ] }\n",
           "true", "null", "\"\"", "[]", "{}",
       })
    same_as_nlohmann(t);
}

TEST(JsonDecode, RefusesWhatIsNotOneJsonValue) {
  for (std::string t : {"", " ", "{", "[1,]", "{\"a\":}", "{} {}", "[1] x", "nul", "01", "NaN", "'a'", "\"\xff\"",
                        "\"\xc3\"", "{\"a\":1,}"})
    EXPECT_FALSE(lo::decode_json(t)) << t;
}

TEST(JsonDecode, DeepNestingDoesNotExhaustTheStack) {
  std::string deep(200000, '[');
  deep += std::string(200000, ']');
  auto j = lo::decode_json(deep);
  ASSERT_TRUE(j);
  EXPECT_TRUE(j->is_array());
  // Unbalanced: refused, not a crash.
  EXPECT_FALSE(lo::decode_json(std::string(200000, '[')));
}

TEST(JsonDecode, ReadsAViewThatIsNotNulTerminated) {
  std::string stream = "{\"type\":\"ADDED\"}\n{\"type\":\"DELETED\"}\n";
  auto first = lo::decode_json(std::string_view(stream).substr(0, stream.find('\n')));
  ASSERT_TRUE(first);
  EXPECT_EQ((*first)["type"], "ADDED");
}

TEST(JsonDecode, CanLeaveOutManagedFields) {
  std::string list = R"({"kind":"List","metadata":{"resourceVersion":"7"},"items":[
    {"metadata":{"name":"a","managedFields":[{"manager":"lo","fieldsV1":{"f:data":{"f:x":{}}}}],"labels":{"k":"v"}},
     "data":{"managedFields":"a key of the data, kept"}},
    {"metadata":{"managedFields":"scalar","name":"b"},"spec":{"metadata":{"managedFields":[1]}}}]})";
  auto full = lo::decode_json(list);
  ASSERT_TRUE(full);
  EXPECT_EQ(*full, Json::parse(list));
  auto lean = lo::decode_json(list, {.drop_managed_fields = true});
  ASSERT_TRUE(lean);
  Json want = Json::parse(list);
  want["items"][0]["metadata"].erase("managedFields");
  want["items"][1]["metadata"].erase("managedFields");
  want["items"][1]["spec"]["metadata"].erase("managedFields");  // any metadata object's
  EXPECT_EQ(*lean, want);
  EXPECT_EQ(lean->dump(), want.dump());
  EXPECT_EQ((*lean)["items"][0]["data"]["managedFields"], "a key of the data, kept");
}
