#include "lo/json_decode.hpp"

#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <string>
#include <vector>

namespace lo {
namespace {

// Builds one nlohmann value from RapidJSON's events.
class Builder : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, Builder> {
 public:
  explicit Builder(const DecodeOptions& o) : options_(o) {}

  bool Null() { return put(Json()); }
  bool Bool(bool b) { return put(Json(b)); }
  bool Int(int i) { return put(Json(static_cast<Json::number_integer_t>(i))); }
  bool Uint(unsigned u) { return put(Json(static_cast<Json::number_unsigned_t>(u))); }
  bool Int64(int64_t i) { return put(Json(static_cast<Json::number_integer_t>(i))); }
  bool Uint64(uint64_t u) { return put(Json(static_cast<Json::number_unsigned_t>(u))); }
  bool Double(double d) { return put(Json(d)); }
  bool String(const char* s, rapidjson::SizeType n, bool) { return put(Json(std::string(s, n))); }
  bool Key(const char* s, rapidjson::SizeType n, bool) {
    if (skipping_) return true;
    key_.assign(s, n);
    // metadata.managedFields: its value is read past, never built.
    skipping_ = options_.drop_managed_fields && key_ == "managedFields" && !metadata_.empty() && metadata_.back();
    skip_depth_ = 0;
    return true;
  }
  bool StartObject() { return open(Json::object()); }
  bool EndObject(rapidjson::SizeType) { return close(); }
  bool StartArray() { return open(Json::array()); }
  bool EndArray(rapidjson::SizeType) { return close(); }

  Json result() { return std::move(root_); }

 private:
  // Places `v` in the open container (or as the root); returns where it went.
  Json* place(Json v) {
    if (stack_.empty()) {
      root_ = std::move(v);
      return &root_;
    }
    Json& parent = *stack_.back();
    if (parent.is_array()) return &parent.emplace_back(std::move(v));
    return &(parent[key_] = std::move(v));  // a repeated key: the last one wins, as with nlohmann
  }
  bool put(Json v) {
    if (skipping_) {
      skipping_ = skip_depth_ > 0;
      return true;
    }
    place(std::move(v));
    return true;
  }
  bool open(Json v) {
    if (skipping_) {
      ++skip_depth_;
      return true;
    }
    bool metadata = v.is_object() && !stack_.empty() && stack_.back()->is_object() && key_ == "metadata";
    stack_.push_back(place(std::move(v)));
    metadata_.push_back(metadata);
    return true;
  }
  bool close() {
    if (skipping_) {
      skipping_ = --skip_depth_ > 0;
      return true;
    }
    stack_.pop_back();
    metadata_.pop_back();
    return true;
  }

  const DecodeOptions& options_;
  bool skipping_ = false;
  int skip_depth_ = 0;
  std::vector<bool> metadata_;  // per open container: an object under the key "metadata"
  Json root_;
  std::vector<Json*> stack_;
  std::string key_;
};

}  // namespace

std::optional<Json> decode_json(std::string_view text, const DecodeOptions& options) {
  Builder b(options);
  rapidjson::Reader reader;
  rapidjson::MemoryStream in(text.data(), text.size());
  constexpr unsigned kFlags =
      rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag | rapidjson::kParseFullPrecisionFlag;
  if (!reader.Parse<kFlags>(in, b)) return std::nullopt;
  return b.result();
}

}  // namespace lo
