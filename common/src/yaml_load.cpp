#include "lo/yaml_load.hpp"

#include <yaml-cpp/eventhandler.h>

#include <sstream>

namespace lo {
namespace {

// Notes where each document starts and whether the parser stopped moving.
class Progress : public YAML::EventHandler {
 public:
  bool stuck = false;
  YAML::Mark at;

  void OnDocumentStart(const YAML::Mark& mark) override {
    if (mark.pos <= last_) stuck = true, at = mark;
    last_ = mark.pos;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}

 private:
  int last_ = -1;
};

}  // namespace

std::vector<YAML::Node> load_all(const std::string& text) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  Progress progress;
  while (parser.HandleNextDocument(progress))
    if (progress.stuck) throw YAML::ParserException(progress.at, "cannot read a document here");
  return YAML::LoadAll(text);
}

}  // namespace lo
