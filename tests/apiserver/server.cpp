#include "server.hpp"

#include "gc.hpp"
#include "kubeconfigs.hpp"
#include "request_log.hpp"

#include <httplib.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/crypto.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>

#include <condition_variable>
#include <fstream>
#include <iostream>
#include <sstream>

namespace lotest {
namespace {

// The sockets of open connections, by serving thread (one thread serves one
// connection), so that stop() can wake connections idling in keep-alive.
class Connections {
 public:
  void remember(int fd) {
    std::lock_guard lock(mu_);
    fds_[std::this_thread::get_id()] = fd;
    if (closing_) ::shutdown(fd, SHUT_RDWR);
  }
  void forget() {
    std::lock_guard lock(mu_);
    fds_.erase(std::this_thread::get_id());
  }
  void closeAll() {
    std::lock_guard lock(mu_);
    closing_ = true;
    for (const auto& [id, fd] : fds_) ::shutdown(fd, SHUT_RDWR);
  }

 private:
  std::mutex mu_;
  std::map<std::thread::id, int> fds_;
  bool closing_ = false;
};

Connections* gConnections = nullptr;  // for the OpenSSL info callback

// Runs every accepted connection on its own thread: watches hold their
// connection for minutes, a fixed pool would starve.
class ThreadPerConnection : public httplib::TaskQueue {
 public:
  void enqueue(std::function<void()> fn) override {
    std::lock_guard lock(mu_);
    ++active_;
    std::thread([this, fn = std::move(fn)] {
      fn();
      if (gConnections) gConnections->forget();
      std::lock_guard lock(mu_);
      if (--active_ == 0) cv_.notify_all();
    }).detach();
  }
  void shutdown() override {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [this] { return active_ == 0; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int active_ = 0;
};

void onTlsInfo(const SSL* ssl, int where, int) {
  if (!(where & SSL_CB_HANDSHAKE_START)) return;
  int fd = SSL_get_fd(ssl);
  if (fd < 0) return;
  int one = 1;
  // Without TCP_NODELAY small answers on a kept-alive connection wait ~40 ms
  // for the client's delayed ACK (Nagle).
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (gConnections) gConnections->remember(fd);
}

int acceptAnyChain(int, X509_STORE_CTX*) {
  // The verdict is read per request (SSL_get_verify_result): a bad client
  // certificate gets 401 like a missing one instead of a failed handshake.
  return 1;
}

X509* pemCert(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  return cert;
}

EVP_PKEY* pemKey(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  return key;
}

bool setupTls(SSL_CTX& ctx, const Credentials& creds) {
  SSL_CTX_set_min_proto_version(&ctx, TLS1_2_VERSION);
  X509* cert = pemCert(creds.serverCert);
  EVP_PKEY* key = pemKey(creds.serverKey);
  X509* ca = pemCert(creds.caCert);
  bool ok = cert && key && ca && SSL_CTX_use_certificate(&ctx, cert) == 1 &&
            SSL_CTX_use_PrivateKey(&ctx, key) == 1 && SSL_CTX_check_private_key(&ctx) == 1 &&
            X509_STORE_add_cert(SSL_CTX_get_cert_store(&ctx), ca) == 1 &&
            SSL_CTX_add_client_CA(&ctx, ca) == 1;
  X509_free(cert);
  EVP_PKEY_free(key);
  X509_free(ca);
  static const unsigned char sid[] = "lo-test-apiserver";
  SSL_CTX_set_session_id_context(&ctx, sid, sizeof sid - 1);
  SSL_CTX_set_verify(&ctx, SSL_VERIFY_PEER, acceptAnyChain);
  SSL_CTX_set_info_callback(&ctx, onTlsInfo);
  return ok;
}

bool clientGone(int fd) {
  if (fd < 0) return false;
  pollfd p{fd, POLLRDHUP, 0};
  return ::poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR));
}

std::string mediaType(const std::string& header) {
  std::string t = header.substr(0, header.find(';'));
  while (!t.empty() && t.back() == ' ') t.pop_back();
  for (auto& c : t) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return t;
}

}  // namespace

struct ApiServer::Impl {
  explicit Impl(ServerOptions o)
      : opts(std::move(o)), store(opts.historyLimit), objects(registry, store), openapi(registry),
        controllers(objects, {opts.crdDelayMs, opts.workloadDelayMs, opts.dir}), gc(objects) {}

  ServerOptions opts;
  Credentials creds;
  Registry registry;
  Store store;
  Objects objects;
  OpenApi openapi;
  Controllers controllers;
  GarbageCollector gc;
  Faults faults;
  Stats stats;
  RequestLog requests;
  Connections connections;
  std::unique_ptr<Api> api;
  std::unique_ptr<httplib::SSLServer> http;
  std::thread listener;
  std::atomic<bool> listenerDone{false};
  bool started = false;
  bool stopped = false;
  std::mutex logMu;

  bool authenticated(const httplib::Request& req) const;
  void serve(const httplib::Request& req, httplib::Response& res);
  void control(const httplib::Request& req, httplib::Response& res);
  void applyFault(const FaultAction& fault, const ApiRequest& ar);
  void sendStream(const ApiResponse& out, int fd, httplib::Response& res);
  void bootstrap();
};

bool ApiServer::Impl::authenticated(const httplib::Request& req) const {
  if (req.ssl && SSL_get0_peer_certificate(req.ssl) && SSL_get_verify_result(req.ssl) == X509_V_OK)
    return true;
  std::string auth = req.get_header_value("Authorization");
  const std::string prefix = "Bearer ";
  if (auth.rfind(prefix, 0) != 0) return false;
  std::string token = auth.substr(prefix.size());
  return token.size() == creds.token.size() &&
         CRYPTO_memcmp(token.data(), creds.token.data(), token.size()) == 0;
}

void ApiServer::Impl::control(const httplib::Request& req, httplib::Response& res) {
  json answer = json::object();
  if (req.path == "/lo-test/stats" && req.method == "GET") {
    answer = stats.snapshot();
  } else if (req.path == "/lo-test/stats/reset" && req.method == "POST") {
    stats.reset();
  } else if (req.path == "/lo-test/faults" && req.method == "POST") {
    json rules = json::parse(req.body, nullptr, false);
    if (rules.is_discarded()) throw badRequest("fault rules must be JSON");
    faults.add(rules);
    answer = faults.list();
  } else if (req.path == "/lo-test/faults" && req.method == "DELETE") {
    faults.clear();
  } else if (req.path == "/lo-test/faults" && req.method == "GET") {
    answer = faults.list();
  } else if (req.path == "/lo-test/requests" && req.method == "GET") {
    answer = requests.list();
  } else if (req.path == "/lo-test/requests" && req.method == "DELETE") {
    requests.clear();
  } else {
    throw resourceNotFound();
  }
  res.set_content(answer.dump(), "application/json");
}

void ApiServer::Impl::applyFault(const FaultAction& fault, const ApiRequest& ar) {
  if (fault.delayMs > 0) std::this_thread::sleep_for(std::chrono::milliseconds(fault.delayMs));
  if (fault.conflict) {
    ApiPath p = parseApiPath(ar.path);
    throw staleObject({p.group, p.resource}, p.name);
  }
  if (fault.status == 0) return;
  std::string message = fault.status == 429 ? "Too many requests, please try again later."
                                            : "injected fault (lo-test): HTTP " + std::to_string(fault.status);
  json details = json::object();
  if (fault.retryAfter >= 0) details["retryAfterSeconds"] = fault.retryAfter;
  ApiError e(fault.status, reasonForCode(fault.status), message, details);
  if (fault.retryAfter >= 0) e.headers.emplace_back("Retry-After", std::to_string(fault.retryAfter));
  throw e;
}

void ApiServer::Impl::sendStream(const ApiResponse& out, int fd, httplib::Response& res) {
  auto stream = out.watch;
  res.status = 200;
  res.set_chunked_content_provider(out.contentType, [stream, fd](size_t, httplib::DataSink& sink) {
    std::string chunk;
    bool more = false;
    try {
      more = stream->next(&chunk, std::chrono::milliseconds(250));
    } catch (const std::exception& e) {
      chunk = "{\"type\":\"ERROR\",\"object\":" + statusObject(500, "InternalError", e.what()).dump() + "}\n";
    }
    if (!chunk.empty() && !sink.write(chunk.data(), chunk.size())) return false;
    if (!more) {
      if (stream->dropped()) return false;  // cut the connection, no final chunk
      sink.done();
      return true;
    }
    return !clientGone(fd);
  });
}

void ApiServer::Impl::serve(const httplib::Request& req, httplib::Response& res) {
  auto begin = std::chrono::steady_clock::now();
  ApiRequest ar;
  ar.method = req.method;
  ar.path = req.path;
  ar.query = std::multimap<std::string, std::string>(req.params.begin(), req.params.end());
  ar.contentType = mediaType(req.get_header_value("Content-Type"));
  ar.userAgent = req.get_header_value("User-Agent");
  const bool isControl = req.path.rfind("/lo-test/", 0) == 0;
  std::string verb = verbOf(ar);
  const uint64_t seq = isControl ? 0 : requests.arrive();
  res.status = 200;
  try {
    if (!isControl) stats.count(verb);
    if (!authenticated(req)) throw unauthorized();
    if (isControl) {
      control(req, res);
    } else {
      FaultAction fault = faults.match(req.method, verb, req.path, verb == "WATCH");
      applyFault(fault, ar);
      if (ar.contentType.find("protobuf") != std::string::npos)
        throw unsupportedMediaType("this test server speaks JSON only; send application/json");
      ar.body = req.body;
      ApiResponse out;
      api->handle(ar, out, fault);
      for (const auto& [k, v] : out.headers) res.set_header(k, v);
      if (out.watch) {
        sendStream(out, req.ssl ? SSL_get_fd(req.ssl) : -1, res);
      } else {
        res.status = out.status;
        res.set_content(out.body, out.contentType);
      }
    }
  } catch (const ApiError& e) {
    res.status = e.code();
    for (const auto& [k, v] : e.headers) res.set_header(k, v);
    res.set_content(e.status().dump(), "application/json");
  } catch (const std::exception& e) {
    res.status = 500;
    res.set_content(statusObject(500, "InternalError", std::string("Internal error occurred: ") + e.what()).dump(),
                    "application/json");
  }
  if (!isControl) {
    RequestEntry e;
    e.seq = seq;
    e.method = req.method;
    e.verb = verb;
    e.path = req.path;
    auto q = req.target.find('?');
    if (q != std::string::npos) e.query = req.target.substr(q + 1);
    e.status = res.status;
    e.userAgent = ar.userAgent;
    e.dryRun = ar.param("dryRun") == "All";
    if (req.method == "DELETE") describeDelete(req.body, ar.param("propagationPolicy"), e.dryRun, e);
    requests.record(std::move(e));
  }
  if (opts.verbose) {
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - begin);
    std::lock_guard lock(logMu);
    std::cerr << "lo-test-apiserver: " << req.method << " " << req.target << " -> " << res.status
              << " (" << us.count() << "us)\n";
  }
}

void ApiServer::Impl::bootstrap() {
  TypePtr ns = registry.find("", "v1", "namespaces");
  WriteOptions o;
  o.fieldManager = "kube-apiserver";
  for (const char* name : {"default", "kube-system", "kube-public"})
    objects.create({ns, "", "", ""}, {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", name}}}}, o);
  if (!opts.faultsFile.empty()) {
    std::ifstream in(opts.faultsFile);
    if (!in) throw std::runtime_error("cannot read faults file " + opts.faultsFile);
    std::stringstream text;
    text << in.rdbuf();
    json rules = json::parse(text.str(), nullptr, false);
    if (rules.is_discarded()) throw std::runtime_error("faults file " + opts.faultsFile + " is not JSON");
    faults.add(rules);
  }
}

ApiServer::ApiServer(ServerOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}

ApiServer::~ApiServer() { stop(); }

std::string ApiServer::start() {
  Impl& s = *impl_;
  s.creds = mintCredentials();
  s.bootstrap();
  gConnections = &s.connections;
  s.http = std::make_unique<httplib::SSLServer>(
      [&s](SSL_CTX& ctx) { return setupTls(ctx, s.creds); });
  if (!s.http->is_valid()) throw std::runtime_error("cannot set up TLS");
  s.http->new_task_queue = [] { return new ThreadPerConnection(); };
  s.http->set_tcp_nodelay(true);
  s.http->set_keep_alive_max_count(1000000);
  s.http->set_keep_alive_timeout(60);
  s.http->set_read_timeout(30);
  s.http->set_write_timeout(30);
  s.http->set_pre_routing_handler([](const httplib::Request& req, httplib::Response&) {
    // Answers are never compressed (the real server only gzips big ones);
    // above all a gzip stream would hold watch events back.
    auto& headers = const_cast<httplib::Request&>(req).headers;
    headers.erase("Accept-Encoding");
    // A request with neither Content-Length nor Transfer-Encoding has an
    // empty body (RFC 9112 6.3); cpp-httplib 0.11 would refuse it with 400.
    if (!req.has_header("Content-Length") && !req.has_header("Transfer-Encoding"))
      headers.emplace("Content-Length", "0");
    return httplib::Server::HandlerResponse::Unhandled;
  });
  auto handler = [&s](const httplib::Request& req, httplib::Response& res) { s.serve(req, res); };
  s.http->Get(".*", handler);
  s.http->Post(".*", handler);
  s.http->Put(".*", handler);
  s.http->Patch(".*", handler);
  s.http->Delete(".*", handler);
  s.http->Options(".*", handler);

  int port = s.opts.port;
  if (port == 0) {
    port = s.http->bind_to_any_port("127.0.0.1");
    if (port <= 0) throw std::runtime_error("cannot listen on 127.0.0.1");
  } else if (!s.http->bind_to_port("127.0.0.1", port)) {
    throw std::runtime_error("cannot listen on 127.0.0.1:" + std::to_string(port));
  }
  const std::string address = "127.0.0.1:" + std::to_string(port);
  const std::string url = "https://" + address;
  s.api = std::make_unique<Api>(s.objects, s.openapi, address);
  s.controllers.start();
  s.gc.start();
  s.listener = std::thread([&s] {
    s.http->listen_after_bind();
    s.listenerDone = true;
  });
  s.started = true;
  writeClientFiles(s.opts.dir, url, s.creds);
  writeFileAtomic(s.opts.dir + "/url", url + "\n", 0644);
  return url;
}

void ApiServer::stop() {
  Impl& s = *impl_;
  if (s.stopped || !s.started) return;
  s.stopped = true;
  s.store.shutdown();  // ends watches and wakes the controllers
  s.controllers.stop();
  s.gc.stop();
  s.http->stop();
  // Connections idle in keep-alive only notice a closed socket.
  while (!s.listenerDone) {
    s.connections.closeAll();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  s.listener.join();
  gConnections = nullptr;
}

}  // namespace lotest
