// Durations of --timeout (deploy and build share one parser).
#include <gtest/gtest.h>

#include "lo/duration.hpp"

using std::chrono::milliseconds;

TEST(Duration, ParsesWhatUsersWrite) {
  EXPECT_EQ(lo::parse_duration("120"), milliseconds(120000));
  EXPECT_EQ(lo::parse_duration("120s"), milliseconds(120000));
  EXPECT_EQ(lo::parse_duration("2m"), milliseconds(120000));
  EXPECT_EQ(lo::parse_duration("1m30s"), milliseconds(90000));
  EXPECT_EQ(lo::parse_duration("1h"), milliseconds(3600000));
  EXPECT_EQ(lo::parse_duration("500ms"), milliseconds(500));
  EXPECT_EQ(lo::parse_duration("1.5s"), milliseconds(1500));
  EXPECT_EQ(lo::parse_duration("0"), milliseconds(0));
  EXPECT_EQ(lo::parse_duration("0s"), milliseconds(0));
  for (std::string bad : {"", "soon", "5x", "s", "-1s", "1.2.3s", ".s", "10 s", "1234567890"})
    EXPECT_FALSE(lo::parse_duration(bad)) << bad;
}

TEST(Duration, FormatsTheShortForm) {
  EXPECT_EQ(lo::format_duration(milliseconds(0)), "0s");
  EXPECT_EQ(lo::format_duration(milliseconds(500)), "500ms");
  EXPECT_EQ(lo::format_duration(milliseconds(2000)), "2s");
  EXPECT_EQ(lo::format_duration(milliseconds(1500)), "1.5s");
  EXPECT_EQ(lo::format_duration(milliseconds(600000)), "10m");
  EXPECT_EQ(lo::format_duration(milliseconds(90000)), "1m30s");
  EXPECT_EQ(lo::format_duration(milliseconds(3723000)), "1h2m3s");
  for (std::string s : {"10m", "1m30s", "2s", "1.5s", "500ms", "1h"})
    EXPECT_EQ(lo::format_duration(*lo::parse_duration(s)), s);
}
