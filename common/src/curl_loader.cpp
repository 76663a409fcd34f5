// libcurl, loaded when the first HTTP request needs it.
//
// Debian's libcurl4 brings about thirty shared libraries with it (GnuTLS,
// Kerberos, LDAP, libssh2, nghttp2...). Linked in the ordinary way, the
// dynamic loader maps and relocates all of them at every start of every
// binary: `kubectl lo version` went from 2.5 ms to 8.6 ms (bench/startup.sh).
// Most commands never speak HTTP, so lo does not link libcurl: this file
// defines the few libcurl functions lo calls, with libcurl's own signatures,
// and each forwards to the real one, which dlopen finds on first use. Code
// that uses libcurl includes <curl/curl.h> and calls it as usual; a libcurl
// function lo starts to use must be added here (the link says which).
#define CURL_DISABLE_TYPECHECK 1  // curl.h's type-checking macros would rename the definitions below
#include <curl/curl.h>
#include <dlfcn.h>

#include <cstdarg>
#include <string>

#include "lo/error.hpp"

namespace {

struct CurlApi {
  CURLcode (*global_init)(long);
  CURL* (*easy_init)();
  CURLcode (*easy_setopt)(CURL*, CURLoption, ...);
  CURLcode (*easy_perform)(CURL*);
  void (*easy_cleanup)(CURL*);
  void (*easy_reset)(CURL*);
  CURLcode (*easy_getinfo)(CURL*, CURLINFO, ...);
  const char* (*easy_strerror)(CURLcode);
  curl_slist* (*slist_append)(curl_slist*, const char*);
  void (*slist_free_all)(curl_slist*);
};

#ifdef __APPLE__
constexpr const char* kLibraries[] = {"libcurl.4.dylib", "libcurl.dylib"};
constexpr const char* kInstall = "brew install curl, or use the system's /usr/lib/libcurl.4.dylib";
#else
constexpr const char* kLibraries[] = {"libcurl.so.4"};
constexpr const char* kInstall = "apt-get install libcurl4 (Debian, Ubuntu), dnf install libcurl (Fedora)";
#endif

template <typename F>
void bind(void* lib, const char* name, F& slot) {
  void* sym = dlsym(lib, name);
  if (sym == nullptr) {
    throw lo::Error(std::string("the libcurl found has no ") + name, "install a libcurl of version 7.71 or later");
  }
  slot = reinterpret_cast<F>(sym);
}

CurlApi load() {
  void* lib = nullptr;
  std::string why;
  for (const char* name : kLibraries) {
    lib = dlopen(name, RTLD_NOW | RTLD_LOCAL);
    if (lib != nullptr) break;
    if (why.empty()) why = dlerror();
  }
  if (lib == nullptr) throw lo::Error("cannot load libcurl, which lo needs to talk HTTP: " + why, kInstall);
  CurlApi api{};
  bind(lib, "curl_global_init", api.global_init);
  bind(lib, "curl_easy_init", api.easy_init);
  bind(lib, "curl_easy_setopt", api.easy_setopt);
  bind(lib, "curl_easy_perform", api.easy_perform);
  bind(lib, "curl_easy_cleanup", api.easy_cleanup);
  bind(lib, "curl_easy_reset", api.easy_reset);
  bind(lib, "curl_easy_getinfo", api.easy_getinfo);
  bind(lib, "curl_easy_strerror", api.easy_strerror);
  bind(lib, "curl_slist_append", api.slist_append);
  bind(lib, "curl_slist_free_all", api.slist_free_all);
  return api;  // the library stays loaded until the process ends
}

// Loaded once, on first use, thread-safely (a function-local static).
const CurlApi& curl() {
  static const CurlApi api = load();
  return api;
}

}  // namespace

extern "C" {

CURLcode curl_global_init(long flags) { return curl().global_init(flags); }

CURL* curl_easy_init() { return curl().easy_init(); }

// Variadic in libcurl: the one argument after the option is a long, an
// object pointer, a function pointer, a curl_off_t or a blob pointer, and
// the option's number says which (CURLOPTTYPE_* ranges of curl.h), which is
// how libcurl itself reads it.
CURLcode curl_easy_setopt(CURL* handle, CURLoption option, ...) {
  va_list ap;
  va_start(ap, option);
  CURLcode rc;
  if (option < CURLOPTTYPE_OBJECTPOINT) {
    rc = curl().easy_setopt(handle, option, va_arg(ap, long));
  } else if (option < CURLOPTTYPE_FUNCTIONPOINT) {
    rc = curl().easy_setopt(handle, option, va_arg(ap, void*));
  } else if (option < CURLOPTTYPE_OFF_T) {
    using Fn = void (*)();
    rc = curl().easy_setopt(handle, option, va_arg(ap, Fn));
  } else if (option < CURLOPTTYPE_BLOB) {
    rc = curl().easy_setopt(handle, option, va_arg(ap, curl_off_t));
  } else {
    rc = curl().easy_setopt(handle, option, va_arg(ap, void*));
  }
  va_end(ap);
  return rc;
}

CURLcode curl_easy_perform(CURL* handle) { return curl().easy_perform(handle); }

void curl_easy_cleanup(CURL* handle) { curl().easy_cleanup(handle); }

void curl_easy_reset(CURL* handle) { curl().easy_reset(handle); }

// Every CURLINFO_* result goes through a pointer.
CURLcode curl_easy_getinfo(CURL* handle, CURLINFO info, ...) {
  va_list ap;
  va_start(ap, info);
  void* out = va_arg(ap, void*);
  va_end(ap);
  return curl().easy_getinfo(handle, info, out);
}

const char* curl_easy_strerror(CURLcode code) { return curl().easy_strerror(code); }

curl_slist* curl_slist_append(curl_slist* list, const char* item) { return curl().slist_append(list, item); }

void curl_slist_free_all(curl_slist* list) { curl().slist_free_all(list); }

}  // extern "C"
