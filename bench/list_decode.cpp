// How long a LIST body of N objects takes to decode into the per-item
// nlohmann objects the Kubernetes client returns, and the memory it takes:
//
//   nlohmann          nlohmann::ordered_json::parse of the body, items moved out
//                     (what KubeClient::list did before RapidJSON)
//   rapidjson-sax     lo::decode_json (lo/json_decode.hpp, what the client
//                     does now): RapidJSON's SAX reader, the ordered_json
//                     values built from its events, items moved out
//   rapidjson-insitu  RapidJSON's in-situ DOM, then each item converted
//                     (the alternative: a second tree, kept here for the figure)
//   nlohmann-strip, rapidjson-sax-strip
//                     the same, leaving out metadata.managedFields (nlohmann:
//                     its parser callback; lo: DecodeOptions), which is what
//                     deploy's LIST snapshots and watches ask for
//
//   list_decode gen N FILE      writes a LIST body of N Pod-like objects
//   list_decode MODE FILE RUNS  decodes FILE RUNS times; prints the median
//                               CPU milliseconds of a decode and the peak
//                               RSS (VmHWM, KiB) of this process, which
//                               read only FILE
// bench/list_decode.sh runs each mode in a fresh process.
#include <rapidjson/document.h>

#include <algorithm>
#include <ctime>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "lo/json_decode.hpp"

using Json = lo::Json;

namespace {

struct Decoded {
  std::string resource_version;
  std::vector<Json> items;
};

// --- nlohmann alone --------------------------------------------------------------
Decoded with_nlohmann(const std::string& body) {
  Decoded d;
  Json j = Json::parse(body);
  d.resource_version = j["metadata"].value("resourceVersion", "");
  for (auto& item : j["items"]) d.items.push_back(std::move(item));
  return d;
}

// nlohmann alone, its parser callback leaving out every managedFields.
Decoded with_nlohmann_strip(const std::string& body) {
  Decoded d;
  Json j = Json::parse(body, [](int, Json::parse_event_t ev, Json& parsed) {
    return !(ev == Json::parse_event_t::key && parsed == "managedFields");
  });
  d.resource_version = j["metadata"].value("resourceVersion", "");
  for (auto& item : j["items"]) d.items.push_back(std::move(item));
  return d;
}

// --- lo/json_decode.hpp: RapidJSON's SAX reader building the nlohmann values -----
Decoded sax(const std::string& body, bool strip) {
  Decoded d;
  auto j = lo::decode_json(body, {strip});
  if (!j) throw std::runtime_error("rapidjson: parse error");
  d.resource_version = (*j)["metadata"].value("resourceVersion", "");
  for (auto& item : (*j)["items"]) d.items.push_back(std::move(item));
  return d;
}
Decoded with_rapidjson_sax(const std::string& body) { return sax(body, false); }
Decoded with_rapidjson_sax_strip(const std::string& body) { return sax(body, true); }

// --- RapidJSON in-situ DOM, converted item by item --------------------------------
Json convert(const rapidjson::Value& v) {
  switch (v.GetType()) {
    case rapidjson::kNullType: return Json();
    case rapidjson::kFalseType: return false;
    case rapidjson::kTrueType: return true;
    case rapidjson::kStringType: return std::string(v.GetString(), v.GetStringLength());
    case rapidjson::kNumberType:
      if (v.IsInt64()) return v.GetInt64();
      if (v.IsUint64()) return v.GetUint64();
      return v.GetDouble();
    case rapidjson::kArrayType: {
      Json a = Json::array();
      for (const auto& e : v.GetArray()) a.push_back(convert(e));
      return a;
    }
    case rapidjson::kObjectType: {
      Json o = Json::object();
      for (const auto& m : v.GetObject()) o[std::string(m.name.GetString(), m.name.GetStringLength())] = convert(m.value);
      return o;
    }
  }
  return Json();
}

Decoded with_rapidjson_insitu(const std::string& body) {
  Decoded d;
  std::vector<char> buf(body.begin(), body.end());
  buf.push_back('\0');
  rapidjson::Document doc;
  doc.ParseInsitu(buf.data());
  if (doc.HasParseError()) throw std::runtime_error("rapidjson: parse error");
  d.resource_version = doc["metadata"]["resourceVersion"].GetString();
  for (const auto& item : doc["items"].GetArray()) d.items.push_back(convert(item));
  return d;
}

// --- a LIST body of Pod-like objects ----------------------------------------------
std::string generate(size_t n) {
  std::ostringstream out;
  out << R"({"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"987654"},"items":[)";
  for (size_t i = 0; i < n; ++i) {
    if (i) out << ',';
    std::string name = "web-" + std::to_string(i);
    out << R"({"metadata":{"name":")" << name << R"(","namespace":"apps","uid":"4f0c3a52-1b2d-4e5f-8a9b-)" << 100000000000 + i
        << R"(","resourceVersion":")" << 1000 + i << R"(","generation":1,"creationTimestamp":"2024-05-01T10:00:00Z",)"
        << R"("labels":{"app":"web","pod-template-hash":"7d4b9c","lok8s.dev/type":"app"},)"
        << R"("annotations":{"kubectl.kubernetes.io/restartedAt":"2024-05-01T09:59:00Z"},)"
        << R"("ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"web-7d4b9c","uid":"a1","controller":true,"blockOwnerDeletion":true}],)"
        << R"("managedFields":[{"manager":"kube-controller-manager","operation":"Update","apiVersion":"v1","time":"2024-05-01T10:00:00Z","fieldsType":"FieldsV1",)"
        << R"("fieldsV1":{"f:metadata":{"f:generateName":{},"f:labels":{".":{},"f:app":{},"f:pod-template-hash":{}},"f:ownerReferences":{".":{},"k:{\"uid\":\"a1\"}":{}}},)"
        << R"("f:spec":{"f:containers":{"k:{\"name\":\"app\"}":{".":{},"f:image":{},"f:imagePullPolicy":{},"f:name":{},"f:ports":{}}}}}}]},)"
        << R"("spec":{"containers":[{"name":"app","image":"nginx:1.27","imagePullPolicy":"IfNotPresent","ports":[{"containerPort":8080,"protocol":"TCP"}],)"
        << R"("resources":{"requests":{"cpu":"100m","memory":"128Mi"},"limits":{"memory":"256Mi"}},)"
        << R"("env":[{"name":"MODE","value":"production"},{"name":"REPLICA","value":")" << i << R"("}],)"
        << R"("readinessProbe":{"httpGet":{"path":"/healthz","port":8080},"periodSeconds":10,"timeoutSeconds":1}}],)"
        << R"("restartPolicy":"Always","terminationGracePeriodSeconds":30,"dnsPolicy":"ClusterFirst","nodeName":"worker-)" << i % 7
        << R"(","serviceAccountName":"default","priority":0,"enableServiceLinks":true},)"
        << R"("status":{"phase":"Running","conditions":[{"type":"Ready","status":"True","lastTransitionTime":"2024-05-01T10:00:05Z"},)"
        << R"({"type":"ContainersReady","status":"True","lastTransitionTime":"2024-05-01T10:00:05Z"}],"hostIP":"10.0.0.)" << i % 250
        << R"(","podIP":"10.244.)" << i / 250 << '.' << i % 250 << R"(","startTime":"2024-05-01T10:00:00Z","qosClass":"Burstable",)"
        << R"("containerStatuses":[{"name":"app","ready":true,"restartCount":0,"image":"nginx:1.27","started":true,"state":{"running":{"startedAt":"2024-05-01T10:00:03Z"}}}]}})";
  }
  out << "]}";
  return out.str();
}

long peak_rss_kib() {
  std::ifstream in("/proc/self/status");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 4 && std::string(argv[1]) == "gen") {
    std::ofstream(argv[3]) << generate(std::stoul(argv[2]));
    return 0;
  }
  if (argc != 4) {
    std::fprintf(stderr, "usage: list_decode gen N FILE | list_decode MODE FILE RUNS\n");
    return 2;
  }
  std::string mode = argv[1];
  std::ifstream in(argv[2]);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string body = ss.str();
  auto decode = mode == "nlohmann"               ? with_nlohmann
                : mode == "nlohmann-strip"         ? with_nlohmann_strip
                : mode == "rapidjson-sax"          ? with_rapidjson_sax
                : mode == "rapidjson-sax-strip"    ? with_rapidjson_sax_strip
                : mode == "rapidjson-insitu"       ? with_rapidjson_insitu
                                                   : nullptr;
  if (!decode) return 2;
  // CPU time of this thread: what the decode costs, less blurred by other
  // processes on a shared machine than wall time.
  auto cpu_ms = [] {
    timespec ts{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
  };
  std::vector<double> ms;
  size_t items = 0;
  for (int r = 0; r < std::stoi(argv[3]); ++r) {
    double t0 = cpu_ms();
    Decoded d = decode(body);
    ms.push_back(cpu_ms() - t0);
    items = d.items.size();
    // Every mode must yield the same objects.
    bool stripped = mode.find("strip") != std::string::npos;
    if (d.resource_version != "987654" || d.items.back()["metadata"]["name"] != "web-" + std::to_string(items - 1) ||
        d.items.front()["spec"]["containers"][0]["ports"][0]["containerPort"] != 8080 ||
        d.items.front()["metadata"].contains("managedFields") == stripped)
      throw std::runtime_error("decoded wrongly");
  }
  std::sort(ms.begin(), ms.end());
  std::printf("%-19s %zu items, %.1f MB body: median %.1f ms, min %.1f ms CPU, peak RSS %ld KiB\n", mode.c_str(), items,
              body.size() / 1e6, ms[ms.size() / 2], ms.front(), peak_rss_kib());
  return 0;
}
