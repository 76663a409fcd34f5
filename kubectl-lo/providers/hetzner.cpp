// The built-in infrastructure provider `hetzner`: the machines, network,
// firewall and load balancer of a cluster in Hetzner Cloud, over the Hetzner
// Cloud API v1 (rest_api.hpp: HTTPS, Bearer $HCLOUD_TOKEN, 429 waits
// Retry-After or RateLimit-Reset, 5xx retried a few times, a POST never sent
// twice).
//
// Everything it makes carries the label lok8s.dev/cluster=<cluster> and is
// looked up by that label (and its name) before it is made, so a re-run
// makes nothing twice and a run cut off halfway is completed by the next.
// Nothing is kept on disk but the inventory: the cloud is the state.
#include <algorithm>
#include <chrono>
#include <iostream>
#include <map>
#include <set>
#include <thread>

#include "lo/error.hpp"
#include "lo/fs.hpp"
#include "lo/log.hpp"
#include "lo/runner.hpp"
#include "lo/yaml_json.hpp"
#include "providers/provider.hpp"
#include "rest_api.hpp"

namespace lo::provider {
namespace fs = std::filesystem;

namespace {

constexpr const char* kLabel = "lok8s.dev/cluster";
constexpr const char* kRole = "lok8s.dev/role";
constexpr const char* kDefaultEndpoint = "https://api.hetzner.cloud/v1";
constexpr const char* kDefaultUserData = "#cloud-config\npackage_update: true\n";

struct Pool {
  int64_t count = 0;
  std::string type = "cx22";
};

struct Attached {  // a volume or floating IP, and the server it belongs to
  std::string name, server;
  int64_t size = 10;
};

// spec.provider.config, checked: every field the provider reads.
struct Config {
  std::string shown;      // the file it came from, for messages
  std::string prefix;     // "spec.provider.config." (inline) or "" (configRef)
  int line = 0;
  std::string cluster;    // the label value and the names' prefix
  std::string location = "fsn1", zone;
  std::string image = "ubuntu-24.04";
  std::string ssh_user = "root";
  std::string public_key_file = "~/.ssh/id_ed25519.pub", private_key_file;  // as written
  fs::path public_key_path;
  std::string cidr = "10.0.0.0/16", subnet = "10.0.1.0/24";
  Pool cp{1, "cx22"}, workers{0, "cx22"};
  std::optional<std::string> lb_type = std::string("lb11");
  std::vector<std::string> ssh_sources{"0.0.0.0/0", "::/0"}, api_sources{"0.0.0.0/0", "::/0"};
  std::optional<std::string> bastion_type;
  std::vector<Attached> volumes, floating_ips;
  std::string user_data = kDefaultUserData;
  ApiEndpoint endpoint;

  Location at(const std::string& field) const {
    return Location{shown, field.empty() && !prefix.empty() ? prefix.substr(0, prefix.size() - 1) : prefix + field, line};
  }
};

// Hetzner's label values: 1-63 of [A-Za-z0-9._-], alphanumeric at both ends.
bool label_value(const std::string& v) {
  if (v.empty() || v.size() > 63 || !std::isalnum(static_cast<unsigned char>(v.front())) ||
      !std::isalnum(static_cast<unsigned char>(v.back())))
    return false;
  return std::all_of(v.begin(), v.end(), [](unsigned char ch) { return std::isalnum(ch) || ch == '-' || ch == '_' || ch == '.'; });
}

std::string zone_of(const std::string& location) {
  if (location == "ash") return "us-east";
  if (location == "hil") return "us-west";
  if (location == "sin") return "ap-southeast";
  return "eu-central";
}

class ConfigReader {
 public:
  ConfigReader(Config& c, const Json& j) : c_(c), j_(j) {}

  void check_keys(const std::set<std::string>& known) {
    if (!j_.is_object()) throw Error(c_.at(""), "must be a map", "see README, The hetzner provider");
    for (auto it = j_.begin(); it != j_.end(); ++it)
      if (!known.count(it.key()))
        throw Error(c_.at(it.key()), "is not a field of the hetzner provider",
                    "the fields are: cluster_name, location, networkZone, endpoint, caCert, image, sshUser, sshPublicKeyFile, "
                    "sshPrivateKeyFile, network, controlPlane, workers, loadBalancer, firewall, bastion, volumes, floatingIPs, userData");
  }

  void text(const char* key, std::string& out, const Json& from, const std::string& where) const {
    if (!from.is_object() || !from.contains(key)) return;
    if (!from[key].is_string() || from[key].get<std::string>().empty())
      throw Error(c_.at(where + key), "must be a non-empty string");
    out = from[key].get<std::string>();
  }
  void text(const char* key, std::string& out) const { text(key, out, j_, ""); }

  void count(const char* key, int64_t& out, const Json& from, const std::string& where, int64_t lo, int64_t hi) const {
    if (!from.is_object() || !from.contains(key)) return;
    if (!from[key].is_number_integer() || from[key].get<int64_t>() < lo || from[key].get<int64_t>() > hi)
      throw Error(c_.at(where + key), "must be a whole number from " + std::to_string(lo) + " to " + std::to_string(hi));
    out = from[key].get<int64_t>();
  }

  void pool(const char* key, Pool& p, int64_t min) const {
    if (!j_.contains(key)) return;
    const Json& v = j_[key];
    std::string where = std::string(key) + ".";
    if (!v.is_object()) throw Error(c_.at(key), "must be a map: {count: N, type: cx22}");
    for (auto it = v.begin(); it != v.end(); ++it)
      if (it.key() != "count" && it.key() != "type") throw Error(c_.at(where + it.key()), "is not a field (count, type)");
    count("count", p.count, v, where, min, 50);
    text("type", p.type, v, where);
  }

  void list(const char* key, std::vector<std::string>& out, const Json& from, const std::string& where) const {
    if (!from.is_object() || !from.contains(key)) return;
    const Json& v = from[key];
    if (!v.is_array() || v.empty()) throw Error(c_.at(where + key), "must be a non-empty list of CIDRs");
    out.clear();
    for (const auto& e : v) {
      if (!e.is_string()) throw Error(c_.at(where + key), "must be a list of CIDRs (strings)");
      out.push_back(e.get<std::string>());
    }
  }

  void attached(const char* key, std::vector<Attached>& out, bool sized) const {
    if (!j_.contains(key)) return;
    const Json& v = j_[key];
    if (!v.is_array()) throw Error(c_.at(key), "must be a list");
    for (size_t i = 0; i < v.size(); ++i) {
      std::string where = std::string(key) + "[" + std::to_string(i) + "].";
      if (!v[i].is_object()) throw Error(c_.at(where.substr(0, where.size() - 1)), "must be a map");
      Attached a;
      for (auto it = v[i].begin(); it != v[i].end(); ++it)
        if (it.key() != "name" && it.key() != "server" && !(sized && it.key() == "size"))
          throw Error(c_.at(where + it.key()), sized ? "is not a field (name, size, server)" : "is not a field (name, server)");
      text("name", a.name, v[i], where);
      if (a.name.empty()) throw Error(c_.at(where + "name"), "is required");
      text("server", a.server, v[i], where);
      if (sized) count("size", a.size, v[i], where, 10, 10240);
      out.push_back(a);
    }
  }

 private:
  Config& c_;
  const Json& j_;
};

Config read_config(const Context& ctx) {
  const Spec& s = ctx.domain.spec;
  const ProviderSpec& p = s.provider;
  Config c;
  Json j = p.config.value_or(Json::object());
  if (p.configRef) {
    fs::path file = user_path(*p.configRef, ctx.domain.ref.dir);
    std::error_code ec;
    if (!fs::is_regular_file(file, ec))
      throw Error(Location{s.file, "spec.provider.configRef", s.line_of("spec.provider.configRef")},
                  "points to a missing file: " + ctx.ws.show(file), "the path is relative to clusters/" + ctx.domain.ref.name + "/");
    c.shown = ctx.ws.show(file);
    auto docs = parse_yaml_documents(read_file(file, 1 << 20), c.shown);
    j = docs.size() == 1 ? docs[0] : Json();
  } else {
    c.shown = s.file;
    c.prefix = "spec.provider.config.";
    c.line = s.line_of("spec.provider.config");
  }
  if (j.is_null()) j = Json::object();
  ConfigReader r(c, j);
  r.check_keys({"cluster_name", "location", "region", "networkZone", "endpoint", "caCert", "image", "sshUser",
                "sshPublicKeyFile", "sshPrivateKeyFile", "network", "controlPlane", "workers", "loadBalancer", "firewall",
                "bastion", "volumes", "floatingIPs", "userData"});
  c.cluster = s.name.value_or("");
  r.text("cluster_name", c.cluster);
  if (!label_value(c.cluster))
    throw Error(c.at("cluster_name"), "'" + c.cluster + "' cannot be a Hetzner label value (1-63 of A-Z a-z 0-9 . _ -, alphanumeric at both ends)",
                "set cluster_name (default: metadata.name)");
  r.text("region", c.location);
  r.text("location", c.location);
  c.zone = zone_of(c.location);
  r.text("networkZone", c.zone);
  r.text("image", c.image);
  r.text("sshUser", c.ssh_user);
  r.text("sshPublicKeyFile", c.public_key_file);
  c.private_key_file = c.public_key_file.size() > 4 && c.public_key_file.substr(c.public_key_file.size() - 4) == ".pub"
                           ? c.public_key_file.substr(0, c.public_key_file.size() - 4)
                           : c.public_key_file + ".key";
  r.text("sshPrivateKeyFile", c.private_key_file);
  c.public_key_path = user_path(c.public_key_file, ctx.domain.ref.dir);
  if (j.contains("network")) {
    const Json& n = j["network"];
    if (!n.is_object()) throw Error(c.at("network"), "must be a map: {cidr: 10.0.0.0/16, subnet: 10.0.1.0/24}");
    for (auto it = n.begin(); it != n.end(); ++it)
      if (it.key() != "cidr" && it.key() != "subnet") throw Error(c.at("network." + it.key()), "is not a field (cidr, subnet)");
    r.text("cidr", c.cidr, n, "network.");
    r.text("subnet", c.subnet, n, "network.");
  }
  if (s.controlPlaneReplicas) c.cp.count = *s.controlPlaneReplicas;
  if (s.controlPlaneType) c.cp.type = *s.controlPlaneType;
  r.pool("controlPlane", c.cp, 1);
  r.pool("workers", c.workers, 0);
  if (j.contains("loadBalancer")) {
    const Json& v = j["loadBalancer"];
    if (v.is_boolean()) {
      if (!v.get<bool>()) c.lb_type.reset();
    } else if (v.is_object()) {
      for (auto it = v.begin(); it != v.end(); ++it)
        if (it.key() != "type") throw Error(c.at("loadBalancer." + it.key()), "is not a field (type)");
      r.text("type", *c.lb_type, v, "loadBalancer.");
    } else {
      throw Error(c.at("loadBalancer"), "must be false or a map: {type: lb11}");
    }
  }
  if (j.contains("firewall")) {
    const Json& f = j["firewall"];
    if (!f.is_object()) throw Error(c.at("firewall"), "must be a map: {sshSources: [...], apiSources: [...]}");
    for (auto it = f.begin(); it != f.end(); ++it)
      if (it.key() != "sshSources" && it.key() != "apiSources")
        throw Error(c.at("firewall." + it.key()), "is not a field (sshSources, apiSources)");
    r.list("sshSources", c.ssh_sources, f, "firewall.");
    r.list("apiSources", c.api_sources, f, "firewall.");
  }
  if (j.contains("bastion")) {
    const Json& b = j["bastion"];
    if (b.is_boolean()) {
      if (b.get<bool>()) c.bastion_type = "cx22";
    } else if (b.is_object()) {
      for (auto it = b.begin(); it != b.end(); ++it)
        if (it.key() != "type") throw Error(c.at("bastion." + it.key()), "is not a field (type)");
      c.bastion_type = "cx22";
      r.text("type", *c.bastion_type, b, "bastion.");
    } else {
      throw Error(c.at("bastion"), "must be true, false or a map: {type: cx22}");
    }
  }
  r.attached("volumes", c.volumes, true);
  r.attached("floatingIPs", c.floating_ips, false);
  std::string user_data;
  r.text("userData", user_data);
  if (!user_data.empty()) {
    fs::path f = user_path(user_data, ctx.domain.ref.dir);
    std::error_code ec;
    if (!fs::is_regular_file(f, ec)) throw Error(c.at("userData"), "points to a missing file: " + ctx.ws.show(f));
    c.user_data = read_file(f, 32 << 10);
  }
  // Where the API is: HCLOUD_ENDPOINT (as the hcloud CLI reads it), else the
  // config's endpoint, else Hetzner's. A private CA: HCLOUD_CA_CERT or caCert.
  c.endpoint.url = kDefaultEndpoint;
  c.endpoint.url_from = "the default";
  if (const char* e = std::getenv("HCLOUD_ENDPOINT"); e && *e) {
    c.endpoint.url = e;
    c.endpoint.url_from = "HCLOUD_ENDPOINT";
  } else if (j.contains("endpoint")) {
    r.text("endpoint", c.endpoint.url);
    c.endpoint.url_from = c.shown + ": " + c.prefix + "endpoint";
  }
  while (!c.endpoint.url.empty() && c.endpoint.url.back() == '/') c.endpoint.url.pop_back();
  std::string ca;
  r.text("caCert", ca);
  fs::path ca_path;
  if (const char* e = std::getenv("HCLOUD_CA_CERT"); e && *e) {
    ca_path = e;
    c.endpoint.ca_from = e;
  } else if (!ca.empty()) {
    ca_path = user_path(ca, ctx.domain.ref.dir);
    c.endpoint.ca_from = ctx.ws.show(ca_path);
  }
  if (!ca_path.empty()) {
    std::error_code ec;
    if (!fs::is_regular_file(ca_path, ec))
      throw Error("the CA file " + c.endpoint.ca_from + " of the Hetzner Cloud API is missing",
                  "point HCLOUD_CA_CERT or caCert at the PEM file of the CA that signed the API's certificate");
    c.endpoint.ca_pem = read_file(ca_path, 1 << 20);
  }
  // The names the servers get must be unique and known to volumes and IPs.
  std::set<std::string> servers;
  for (int64_t i = 1; i <= c.cp.count; ++i) servers.insert(c.cluster + "-cp-" + std::to_string(i));
  for (int64_t i = 1; i <= c.workers.count; ++i) servers.insert(c.cluster + "-worker-" + std::to_string(i));
  if (c.bastion_type) servers.insert(c.cluster + "-bastion");
  for (auto* group : {&c.volumes, &c.floating_ips})
    for (size_t i = 0; i < group->size(); ++i)
      if (!(*group)[i].server.empty() && !servers.count((*group)[i].server))
        throw Error(c.at(std::string(group == &c.volumes ? "volumes[" : "floatingIPs[") + std::to_string(i) + "].server"),
                    "names no server of this cluster: " + (*group)[i].server, "the servers are " + c.cluster + "-cp-N, " + c.cluster + "-worker-N and " + c.cluster + "-bastion");
  return c;
}

// One server lo makes: its name and role.
struct Machine {
  std::string name, role, type;
};

std::vector<Machine> machines(const Config& c) {
  std::vector<Machine> out;
  for (int64_t i = 1; i <= c.cp.count; ++i) out.push_back({c.cluster + "-cp-" + std::to_string(i), "control-plane", c.cp.type});
  for (int64_t i = 1; i <= c.workers.count; ++i) out.push_back({c.cluster + "-worker-" + std::to_string(i), "worker", c.workers.type});
  if (c.bastion_type) out.push_back({c.cluster + "-bastion", "bastion", *c.bastion_type});
  return out;
}

std::string text_at(const Json& j, std::initializer_list<const char*> path) {
  const Json* at = &j;
  for (const char* k : path) {
    if (!at->is_object() || !at->contains(k)) return {};
    at = &(*at)[k];
  }
  if (at->is_string()) return at->get<std::string>();
  if (at->is_number_integer()) return at->dump();
  return {};
}

int64_t id_of(const Json& j) { return j.is_object() && j.contains("id") && j["id"].is_number_integer() ? j["id"].get<int64_t>() : 0; }

// A volume attached, a floating IP assigned: its `server` is an id.
bool on_server(const Json* j) { return j && j->is_object() && j->contains("server") && (*j)["server"].is_number_integer(); }

std::string private_ip(const Json& j) {
  if (j.contains("private_net") && j["private_net"].is_array() && !j["private_net"].empty())
    return text_at(j["private_net"][0], {"ip"});
  return {};
}

// Everything labelled for one cluster, read from the API.
struct Cloud {
  std::map<std::string, std::vector<Json>> items;  // resource -> its labelled objects
  const Json* find(const std::string& resource, const std::string& name) const {
    auto it = items.find(resource);
    if (it == items.end()) return nullptr;
    for (const auto& j : it->second)
      if (j.value("name", "") == name) return &j;
    return nullptr;
  }
};

// The order in which things are made; destroy goes through its own order.
const std::vector<std::string> kResources{"ssh_keys", "networks", "placement_groups", "firewalls", "load_balancers",
                                          "servers", "volumes", "floating_ips"};

class Session {
 public:
  explicit Session(const Context& ctx) : c_(ctx), cfg_(read_config(ctx)), run_(ctx.dry_run, ctx.dry_run ? std::cout : std::cerr) {
    deadline_ = std::chrono::steady_clock::now() + ctx.timeout.value_or(std::chrono::minutes(20));
  }

  const Config& config() const { return cfg_; }

  // The token, and the API; nothing is sent yet.
  void connect() {
    const char* token = std::getenv("HCLOUD_TOKEN");
    if (!token || !*token)
      throw Error("HCLOUD_TOKEN is not set", "export the API token of the Hetzner Cloud project (Read & Write): HCLOUD_TOKEN=...");
    ApiProfile p;
    p.service = "Hetzner Cloud API";
    p.token_name = "HCLOUD_TOKEN";
    p.https_hint = "plain HTTP would send HCLOUD_TOKEN in the clear; give the https:// URL of the API";
    p.unreachable_hint = "is " + cfg_.endpoint.url + " reachable? (and, with a private CA, is HCLOUD_CA_CERT or caCert set?)";
    p.status_hint = cloud_status_hints(
        "Hetzner Cloud API", "Hetzner did not accept HCLOUD_TOKEN; create a new API token in the project (Security, API tokens)",
        "the token is read-only; create a Read & Write token",
        "Hetzner failed; run again (what was made anyway is found by its label, not made twice)");
    p.options = cloud_api_options();
    api_ = std::make_unique<RestApi>(cfg_.endpoint, std::move(p), Secret(token));
  }

  std::string selector(const std::string& extra = {}) const {
    return std::string(kLabel) + "=" + cfg_.cluster + (extra.empty() ? "" : "," + extra);
  }

  // Every object of `resource` carrying the cluster's label, all pages.
  std::vector<Json> list(const std::string& resource) {
    std::vector<Json> out;
    for (int64_t page = 1; page > 0;) {
      std::string path = "/" + resource + "?label_selector=" + url_escape(selector()) + "&page=" + std::to_string(page) + "&per_page=50";
      Json r = api_->call("GET", path).value_or(Json());
      if (!r.is_object() || !r.contains(resource) || !r[resource].is_array())
        throw Error("Hetzner Cloud API: GET " + path + ": the answer has no " + resource + " list", "is " + api_->base() + " the Hetzner Cloud API?");
      for (auto& j : r[resource]) out.push_back(j);
      const Json& np = r.contains("meta") && r["meta"].is_object() && r["meta"].contains("pagination") ? r["meta"]["pagination"] : Json();
      int64_t n = np.is_object() && np.contains("next_page") && np["next_page"].is_number_integer() ? np["next_page"].get<int64_t>() : 0;
      page = n > page ? n : 0;  // a server that points back would never end the loop
    }
    std::sort(out.begin(), out.end(), [](const Json& a, const Json& b) { return a.value("name", "") < b.value("name", ""); });
    return out;
  }

  Cloud read(const std::vector<std::string>& resources = kResources) {
    Cloud cloud;
    for (const auto& r : resources) cloud.items[r] = list(r);
    return cloud;
  }

  // Waits until an action is no longer running; its error is a failure.
  void wait_action(const Json& action, const std::string& what) {
    if (!action.is_object() || !id_of(action)) return;
    int64_t id = id_of(action);
    Json a = action;
    auto delay = std::chrono::milliseconds(200);
    while (a.value("status", "") == "running") {
      if (std::chrono::steady_clock::now() + delay > deadline_)
        throw Error("Hetzner Cloud API: action " + std::to_string(id) + " (" + a.value("command", "?") + ", " + what +
                        ") is still running at the end of --timeout",
                    "run again later: what was made is found, and its actions waited for");
      std::this_thread::sleep_for(delay);
      delay = std::min<std::chrono::milliseconds>(delay * 2, std::chrono::seconds(5));
      a = api_->call("GET", "/actions/" + std::to_string(id)).value_or(Json()).value("action", Json());
    }
    if (a.value("status", "") == "error")
      throw Error("Hetzner Cloud API: action " + std::to_string(id) + " (" + a.value("command", "?") + ", " + what +
                      ") failed: " + api_->redact(text_at(a, {"error", "message"})),
                  "look at the project's activity in the Hetzner console; run again to retry");
    log::debug(2, "action " + std::to_string(id) + " (" + what + ") done");
  }

  void wait_actions(const Json& answer, const std::string& what) {
    if (!answer.is_object()) return;
    if (answer.contains("action")) wait_action(answer["action"], what);
    for (const char* key : {"actions", "next_actions"})
      if (answer.contains(key) && answer[key].is_array())
        for (const auto& a : answer[key]) wait_action(a, what);
  }

  Json labels(const std::string& role = {}) const {
    Json l = {{kLabel, cfg_.cluster}};
    if (!role.empty()) l[kRole] = role;
    return l;
  }

  // Makes `name` of `resource` unless the cloud has it; returns its id (0
  // in a dry run for something not made yet).
  int64_t ensure(Cloud& cloud, const std::string& resource, const std::string& name, const Json& body) {
    if (const Json* j = cloud.find(resource, name)) {
      log::note(singular(resource) + " " + name + " exists (id " + std::to_string(id_of(*j)) + ")");
      return id_of(*j);
    }
    int64_t id = 0;
    run_.step("create", singular(resource) + " " + name, [&] {
      Json r = api_->call("POST", "/" + resource, body).value_or(Json());
      std::string key = singular(resource, true);
      Json made = r.is_object() && r.contains(key) ? r[key] : Json();
      id = id_of(made);
      if (!id) throw Error("Hetzner Cloud API: POST /" + resource + ": the answer has no " + key + ".id");
      wait_actions(r, singular(resource) + " " + name);
      cloud.items[resource].push_back(made);
    });
    return id;
  }

  // An action on an object (add_subnet, attach, assign, ...), waited for.
  void act(const std::string& resource, int64_t id, const std::string& action, const Json& body, const std::string& what) {
    run_.step(action, what, [&] {
      Json r = api_->call("POST", "/" + resource + "/" + std::to_string(id) + "/actions/" + action, body).value_or(Json());
      wait_actions(r, what);
    });
  }

  static std::string singular(const std::string& resource, bool key = false) {
    static const std::map<std::string, std::pair<std::string, std::string>> names{
        {"ssh_keys", {"ssh key", "ssh_key"}},       {"networks", {"network", "network"}},
        {"placement_groups", {"placement group", "placement_group"}}, {"firewalls", {"firewall", "firewall"}},
        {"load_balancers", {"load balancer", "load_balancer"}}, {"servers", {"server", "server"}},
        {"volumes", {"volume", "volume"}},          {"floating_ips", {"floating IP", "floating_ip"}}};
    auto it = names.find(resource);
    return key ? it->second.second : it->second.first;
  }

  void provision() {
    connect();
    std::string public_key = read_file(cfg_.public_key_path, 16 << 10);
    while (!public_key.empty() && (public_key.back() == '\n' || public_key.back() == '\r')) public_key.pop_back();
    Cloud cloud = read();
    const std::string& n = cfg_.cluster;
    int64_t key = ensure(cloud, "ssh_keys", n, {{"name", n}, {"public_key", public_key}, {"labels", labels()}});

    Json subnet = {{"type", "cloud"}, {"network_zone", cfg_.zone}, {"ip_range", cfg_.subnet}};
    int64_t net = ensure(cloud, "networks", n,
                         {{"name", n}, {"ip_range", cfg_.cidr}, {"labels", labels()}, {"subnets", Json::array({subnet})}});
    if (const Json* nj = cloud.find("networks", n); nj && net) {
      bool has = false;
      for (const auto& s : nj->value("subnets", Json::array())) has = has || s.value("ip_range", "") == cfg_.subnet;
      if (!has) act("networks", net, "add_subnet", subnet, "subnet " + cfg_.subnet + " of network " + n);
    }

    int64_t group = ensure(cloud, "placement_groups", n + "-control-plane",
                           {{"name", n + "-control-plane"}, {"type", "spread"}, {"labels", labels()}});

    auto rule = [](const std::string& proto, const std::string& port, const std::vector<std::string>& from,
                   const std::string& why) {
      Json r = {{"direction", "in"}, {"protocol", proto}, {"source_ips", from}, {"description", why}};
      if (!port.empty()) r["port"] = port;
      return r;
    };
    int64_t fw = ensure(cloud, "firewalls", n,
                        {{"name", n},
                         {"labels", labels()},
                         {"rules", Json::array({rule("tcp", "22", cfg_.ssh_sources, "ssh"),
                                                rule("tcp", "6443", cfg_.api_sources, "kubernetes api"),
                                                rule("icmp", "", {"0.0.0.0/0", "::/0"}, "ping")})}});

    if (cfg_.lb_type) {
      std::string lb_name = n + "-api";
      int64_t lb = ensure(cloud, "load_balancers", lb_name,
                          {{"name", lb_name},
                           {"load_balancer_type", *cfg_.lb_type},
                           {"location", cfg_.location},
                           {"network", net},
                           {"algorithm", {{"type", "round_robin"}}},
                           {"labels", labels()}});
      const Json* lj = cloud.find("load_balancers", lb_name);
      std::string targets = selector(std::string(kRole) + "=control-plane");
      bool has_target = false, has_service = false;
      if (lj) {
        for (const auto& t : lj->value("targets", Json::array()))
          has_target = has_target || text_at(t, {"label_selector", "selector"}) == targets;
        for (const auto& s : lj->value("services", Json::array())) has_service = has_service || s.value("listen_port", 0) == 6443;
      }
      if (!has_target)
        act("load_balancers", lb, "add_target",
            {{"type", "label_selector"}, {"label_selector", {{"selector", targets}}}, {"use_private_ip", true}},
            "load balancer " + lb_name + " targets the control plane");
      if (!has_service)
        act("load_balancers", lb, "add_service",
            {{"protocol", "tcp"}, {"listen_port", 6443}, {"destination_port", 6443},
             {"health_check", {{"protocol", "tcp"}, {"port", 6443}, {"interval", 15}, {"timeout", 10}, {"retries", 3}}}},
            "load balancer " + lb_name + " serves 6443");
    }

    std::map<std::string, int64_t> server_ids;
    for (const auto& m : machines(cfg_)) {
      Json body = {{"name", m.name},
                   {"server_type", m.type},
                   {"image", cfg_.image},
                   {"location", cfg_.location},
                   {"ssh_keys", Json::array({key})},
                   {"networks", Json::array({net})},
                   {"firewalls", Json::array({Json{{"firewall", fw}}})},
                   {"user_data", cfg_.user_data},
                   {"labels", labels(m.role)},
                   {"start_after_create", true},
                   {"public_net", {{"enable_ipv4", true}, {"enable_ipv6", true}}}};
      if (m.role == "control-plane") body["placement_group"] = group;
      server_ids[m.name] = ensure(cloud, "servers", m.name, body);
      if (const Json* sj = cloud.find("servers", m.name); sj && !c_.dry_run) wait_running(*sj);
    }

    for (const auto& v : cfg_.volumes) {
      std::string name = n + "-" + v.name;
      int64_t id = ensure(cloud, "volumes", name,
                          {{"name", name}, {"size", v.size}, {"location", cfg_.location}, {"format", "ext4"},
                           {"automount", false}, {"labels", labels()}});
      const Json* vj = cloud.find("volumes", name);
      if (!v.server.empty() && !on_server(vj))
        act("volumes", id, "attach", {{"server", server_ids[v.server]}, {"automount", false}},
            "volume " + name + " to server " + v.server);
    }
    for (const auto& f : cfg_.floating_ips) {
      std::string name = n + "-" + f.name;
      int64_t id = ensure(cloud, "floating_ips", name,
                          {{"name", name}, {"type", "ipv4"}, {"home_location", cfg_.location}, {"labels", labels()}});
      const Json* fj = cloud.find("floating_ips", name);
      if (!f.server.empty() && !on_server(fj))
        act("floating_ips", id, "assign", {{"server", server_ids[f.server]}}, "floating IP " + name + " to server " + f.server);
    }
  }

  // A server found from an earlier run may still be starting.
  void wait_running(const Json& server) {
    std::string status = server.value("status", "");
    auto delay = std::chrono::milliseconds(200);
    int64_t id = id_of(server);
    while (status == "initializing" || status == "starting") {
      if (std::chrono::steady_clock::now() + delay > deadline_)
        throw Error("server " + server.value("name", "") + " is still " + status + " at the end of --timeout", "run again later");
      std::this_thread::sleep_for(delay);
      delay = std::min<std::chrono::milliseconds>(delay * 2, std::chrono::seconds(5));
      status = api_->call("GET", "/servers/" + std::to_string(id)).value_or(Json()).value("server", Json::object()).value("status", "");
    }
    if (status == "off") act("servers", id, "poweron", nullptr, "server " + server.value("name", ""));
  }

  // Everything carrying the label, in dependency order: what is attached is
  // detached first, then the servers go, then what they used.
  void destroy() {
    connect();
    Cloud cloud = read();
    for (const auto& f : cloud.items["floating_ips"]) {
      if (on_server(&f))
        act("floating_ips", id_of(f), "unassign", nullptr, "floating IP " + f.value("name", ""));
      remove("floating_ips", f);
    }
    for (const auto& v : cloud.items["volumes"]) {
      if (on_server(&v)) act("volumes", id_of(v), "detach", nullptr, "volume " + v.value("name", ""));
      remove("volumes", v);
    }
    for (const char* r : {"load_balancers", "servers", "firewalls", "placement_groups", "networks", "ssh_keys"})
      for (const auto& j : cloud.items[r]) remove(r, j);
    std::error_code ec;
    fs::path dir = state_dir(c_.ws, c_.domain);
    if (fs::exists(dir, ec)) run_.remove("provider state", dir);
  }

  void remove(const std::string& resource, const Json& j) {
    std::string what = singular(resource) + " " + j.value("name", "") + " (id " + std::to_string(id_of(j)) + ")";
    run_.step("delete", what, [&] {
      auto r = api_->call("DELETE", "/" + resource + "/" + std::to_string(id_of(j)), nullptr, true);
      if (r) wait_actions(*r, what);
    });
  }

  std::string status() {
    connect();
    Cloud cloud = read({"ssh_keys", "networks", "servers", "load_balancers"});
    bool any = false;
    for (const auto& [r, items] : cloud.items) any = any || !items.empty();
    if (!any) return "NotFound";
    bool creating = false;
    for (const auto& m : machines(cfg_)) {
      const Json* s = cloud.find("servers", m.name);
      if (!s) {
        creating = true;
        continue;
      }
      std::string st = s->value("status", "");
      if (st == "off" || st == "unknown" || st == "stopping" || st == "deleting") return "Error";
      if (st != "running") creating = true;
    }
    if (cfg_.lb_type) {
      const Json* lb = cloud.find("load_balancers", cfg_.cluster + "-api");
      if (!lb || lb->value("targets", Json::array()).empty() || lb->value("services", Json::array()).empty()) creating = true;
    }
    return creating ? "Creating" : "Running";
  }

  Json output() {
    connect();
    Cloud cloud = read({"networks", "servers", "load_balancers"});
    const Json* net = cloud.find("networks", cfg_.cluster);
    Json nodes = Json::array(), bastions = Json::array();
    std::string cp_public, cp_private;
    for (const auto& m : machines(cfg_)) {
      const Json* s = cloud.find("servers", m.name);
      if (!s) throw Error("server " + m.name + " of " + c_.domain.ref.name + " does not exist in Hetzner Cloud",
                          "run kubectl lo provision " + c_.domain.ref.name + " first");
      std::string pub = text_at(*s, {"public_net", "ipv4", "ip"}), priv = private_ip(*s);
      if (m.role == "bastion") {
        bastions.push_back({{"name", m.name}, {"host", pub}, {"user", cfg_.ssh_user}, {"port", 22}});
        continue;
      }
      if (m.role == "control-plane" && cp_public.empty()) {
        cp_public = pub;
        cp_private = priv;
      }
      nodes.push_back({{"name", m.name}, {"role", m.role}, {"group", "default"}, {"public_ip", pub},
                       {"private_ip", priv.empty() ? pub : priv}, {"access", "default"}, {"ssh_user", cfg_.ssh_user},
                       {"ssh_port", 22}});
    }
    Json api = {{"endpoint", cp_public}, {"privateEndpoint", cp_private}, {"port", 6443}};
    if (cfg_.lb_type) {
      const Json* lb = cloud.find("load_balancers", cfg_.cluster + "-api");
      if (!lb) throw Error("load balancer " + cfg_.cluster + "-api does not exist in Hetzner Cloud",
                           "run kubectl lo provision " + c_.domain.ref.name + " first");
      api["endpoint"] = text_at(*lb, {"public_net", "ipv4", "ip"});
      api["privateEndpoint"] = private_ip(*lb);
    }
    Json access = {{"id", "default"}, {"type", "ssh"}, {"user", cfg_.ssh_user}, {"port", 22},
                   {"privateKey", cfg_.private_key_file}, {"publicKey", cfg_.public_key_file}, {"bastions", bastions}};
    Json inv = {{"api", api}, {"access", Json::array({access})}, {"nodes", nodes}};
    inv["network"] = net ? Json{{"id", std::to_string(id_of(*net))}, {"name", net->value("name", "")}, {"cidr", net->value("ip_range", "")}}
                         : Json{{"id", ""}, {"name", cfg_.cluster}, {"cidr", cfg_.cidr}};
    return inv;
  }

 private:
  const Context& c_;
  Config cfg_;
  Runner run_;
  std::unique_ptr<RestApi> api_;
  std::chrono::steady_clock::time_point deadline_;
};

class HetznerProvider : public Provider {
 public:
  std::string name() const override { return "hetzner"; }

  // The config, the token and the SSH key; nothing is sent.
  void validate(const Context& c) override {
    Session s(c);
    std::error_code ec;
    if (!fs::is_regular_file(s.config().public_key_path, ec))
      throw Error(s.config().at("sshPublicKeyFile"), "names a missing file: " + c.ws.show(s.config().public_key_path),
                  "create a key (ssh-keygen -t ed25519) or point sshPublicKeyFile at your public key");
    s.connect();
  }
  void provision(const Context& c) override { Session(c).provision(); }
  void destroy(const Context& c) override { Session(c).destroy(); }
  Json output(const Context& c) override { return Session(c).output(); }
  std::string status(const Context& c) override { return Session(c).status(); }
};

}  // namespace

std::unique_ptr<Provider> hetzner_provider() { return std::make_unique<HetznerProvider>(); }

}  // namespace lo::provider
