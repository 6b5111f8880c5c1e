// String escaping and number formatting, compared with util on chosen inputs.
#include "adapters/transcoding/json_writer.h"

#include <cmath>
#include <limits>
#include <string>

#include "adapters/transcoding/json_codec.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "pipebridge/transcoding_test/codec_test.pb.h"

namespace pipebridge::transcoding {
namespace {

std::string UtilJson(const google::protobuf::Message& m) {
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  std::string json;
  EXPECT_TRUE(google::protobuf::util::MessageToJsonString(m, &json, options).ok());
  return json;
}

std::string Escaped(std::string_view s) {
  std::string out;
  AppendJsonString(s, &out);
  return out;
}

TEST(JsonWriterTest, EscapesAsUtilDoes) {
  EXPECT_EQ(Escaped("plain"), "\"plain\"");
  EXPECT_EQ(Escaped("a<b>&c"), "\"a\\u003cb\\u003e&c\"");
  EXPECT_EQ(Escaped("\"\\/"), "\"\\\"\\\\/\"");
  EXPECT_EQ(Escaped("\n\t\r\b\f\x01\x7f"), "\"\\n\\t\\r\\b\\f\\u0001\\u007f\"");
  EXPECT_EQ(Escaped("\xc2\x85\xc2\xa0\xc3\xa9"), "\"\\u0085\xc2\xa0\xc3\xa9\"");
  EXPECT_EQ(Escaped("\xe2\x80\xa8\xe2\x80\xa9\xef\xbb\xbf"), "\"\\u2028\\u2029\\ufeff\"");
  EXPECT_EQ(Escaped("\xf0\x9f\x98\x80"), "\"\xf0\x9f\x98\x80\"");
  EXPECT_EQ(Escaped("\xf3\xa0\x80\x81"), "\"\\udb40\\udc01\"");
}

TEST(JsonWriterTest, EveryCodePointEscapesAsUtil) {
  // One string per block of code points, through a string field, against util.
  pipebridge::transcoding_test::Scalars m;
  for (uint32_t start = 0; start < 0x110000; start += 0x800) {
    if (start == 0xd800) continue;  // surrogates are not UTF-8
    std::string s;
    for (uint32_t cp = start; cp < start + 0x800; ++cp) {
      if (cp < 0x80) {
        s.push_back(static_cast<char>(cp));
      } else if (cp < 0x800) {
        s.push_back(static_cast<char>(0xc0 | (cp >> 6)));
        s.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
      } else if (cp < 0x10000) {
        s.push_back(static_cast<char>(0xe0 | (cp >> 12)));
        s.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
        s.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
      } else {
        s.push_back(static_cast<char>(0xf0 | (cp >> 18)));
        s.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
        s.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
        s.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
      }
    }
    m.set_f_string(s);
    std::string mine;
    MessageToJson(m, &mine);
    ASSERT_EQ(mine, UtilJson(m)) << "block starting at U+" << std::hex << start;
  }
}

TEST(JsonWriterTest, InvalidUtf8IsDroppedAsUtilDrops) {
  // util logs an error for these and drops the bytes that do not decode; so do we (silently).
  pipebridge::transcoding_test::Scalars m;
  for (std::string s : {std::string("bad\xff utf\xc3(x \xed\xa0\x80 z \xc0\x80 end\xe2\x82"),
                        std::string("\x80\xbf\xf8\xf5\x80\x80\x80 ok"),
                        std::string("\xc1\xbc overlong <")}) {
    m.set_f_string(s);
    std::string mine;
    MessageToJson(m, &mine);
    EXPECT_EQ(mine, UtilJson(m));
  }
}

std::string Double(double d) {
  std::string out;
  AppendDouble(d, &out);
  return out;
}

TEST(JsonWriterTest, DoublesAsSimpleDtoa) {
  EXPECT_EQ(Double(0), "0");
  EXPECT_EQ(Double(-0.0), "-0");
  EXPECT_EQ(Double(1.5), "1.5");
  EXPECT_EQ(Double(0.1), "0.1");
  EXPECT_EQ(Double(1.0 / 3), "0.33333333333333331");
  EXPECT_EQ(Double(1e20), "1e+20");
  EXPECT_EQ(Double(1e15), "1e+15");
  EXPECT_EQ(Double(123456789012.0), "123456789012");
  EXPECT_EQ(Double(5e-324), "4.94065645841247e-324");
  EXPECT_EQ(Double(std::nan("")), "\"NaN\"");
  EXPECT_EQ(Double(-INFINITY), "\"-Infinity\"");
}

TEST(JsonWriterTest, TimestampsAndDurations) {
  std::string out;
  EXPECT_TRUE(AppendTimestamp(0, 0, &out));
  EXPECT_TRUE(AppendTimestamp(1, 10000, &out));
  EXPECT_TRUE(AppendTimestamp(-62135596800, 120000000, &out));
  EXPECT_TRUE(AppendTimestamp(253402300799, 999999999, &out));
  EXPECT_FALSE(AppendTimestamp(-62135596801, 0, &out));
  EXPECT_FALSE(AppendTimestamp(0, -1, &out));
  EXPECT_EQ(out,
            "\"1970-01-01T00:00:00Z\"\"1970-01-01T00:00:01.000010Z\""
            "\"0001-01-01T00:00:00.120Z\"\"9999-12-31T23:59:59.999999999Z\"");
  out.clear();
  EXPECT_TRUE(AppendDuration(-1, -500000000, &out));
  EXPECT_TRUE(AppendDuration(0, -1000, &out));
  EXPECT_TRUE(AppendDuration(315576000000, 0, &out));
  EXPECT_FALSE(AppendDuration(3, -1000, &out));
  EXPECT_EQ(out, "\"-1.500s\"\"-0.000001s\"\"315576000000s\"");

  int64_t s;
  int32_t n;
  EXPECT_TRUE(ParseTimestamp("2024-05-01T12:00:00.25+02:00", &s, &n));
  EXPECT_EQ(s, 1714557600);
  EXPECT_EQ(n, 250000000);
  EXPECT_FALSE(ParseTimestamp("2023-02-29T00:00:00Z", &s, &n));
  EXPECT_FALSE(ParseTimestamp("2024-05-01 12:00:00Z", &s, &n));
  EXPECT_FALSE(ParseTimestamp("2024-05-01T12:00:00", &s, &n));
  EXPECT_TRUE(ParseDuration("-0.000001s", &s, &n));
  EXPECT_EQ(s, 0);
  EXPECT_EQ(n, -1000);
  EXPECT_FALSE(ParseDuration("1.5", &s, &n));
  EXPECT_FALSE(ParseDuration("315576000001s", &s, &n));
}

TEST(JsonWriterTest, Base64) {
  std::string out, bytes;
  AppendBase64(std::string("\0\xff\xfe abc", 8), &out);
  EXPECT_EQ(out, "\"AP/+IGFiYwA=\"");
  EXPECT_TRUE(DecodeBase64("AP/+IGFiYwA=", &bytes));
  EXPECT_EQ(bytes, std::string("\0\xff\xfe abc", 8));
  EXPECT_TRUE(DecodeBase64("AP_-IGFiYwA", &bytes));
  EXPECT_EQ(bytes, std::string("\0\xff\xfe abc", 8));
  EXPECT_FALSE(DecodeBase64("A", &bytes));
  EXPECT_FALSE(DecodeBase64("AB*=", &bytes));
  EXPECT_FALSE(DecodeBase64("A===", &bytes));
}

}  // namespace
}  // namespace pipebridge::transcoding
