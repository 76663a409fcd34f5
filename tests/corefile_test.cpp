// The Corefile edit of kind's CoreDNS (corefile.hpp): kubeadm's Corefile,
// before and after Kubernetes added the cache block, gains the two imports
// once; everything else stays byte for byte. The real CoreDNS loading the
// result is tests/e2e/coredns.bats.
#include <gtest/gtest.h>

#include "lo/corefile.hpp"
#include "lo/error.hpp"

namespace {

// kubeadm's Corefile for cluster.local before kubernetes/kubernetes#128359
// (plain `cache 30`).
const char* kKubeadmOld =
    ".:53 {\n"
    "    errors\n"
    "    health {\n"
    "       lameduck 5s\n"
    "    }\n"
    "    ready\n"
    "    kubernetes cluster.local in-addr.arpa ip6.arpa {\n"
    "       pods insecure\n"
    "       fallthrough in-addr.arpa ip6.arpa\n"
    "       ttl 30\n"
    "    }\n"
    "    prometheus :9153\n"
    "    forward . /etc/resolv.conf {\n"
    "       max_concurrent 1000\n"
    "    }\n"
    "    cache 30\n"
    "    loop\n"
    "    reload\n"
    "    loadbalance\n"
    "}\n";

std::string without_last_brace(const std::string& s) { return s.substr(0, s.rfind("}\n")); }

TEST(Corefile, KubeadmsCorefileGetsBothImportsOnce) {
  std::string got = lo::corefile_with_imports(kKubeadmOld);
  EXPECT_EQ(got, without_last_brace(kKubeadmOld) + "    import custom/*.override\n}\nimport custom/*.server\n");
  EXPECT_EQ(lo::corefile_with_imports(got), got) << "a second edit must change nothing";
}

TEST(Corefile, TheCacheBlockOfNewerKubeadmIsNotTheServerBlock) {
  std::string in = ".:53 {\n    errors\n    cache 30 {\n       disable success cluster.local\n    }\n    loop\n}\n";
  EXPECT_EQ(lo::corefile_with_imports(in),
            ".:53 {\n    errors\n    cache 30 {\n       disable success cluster.local\n    }\n    loop\n"
            "    import custom/*.override\n}\nimport custom/*.server\n");
}

TEST(Corefile, OtherServerBlocksCommentsAndQuotesAreKept) {
  std::string in =
      "# a { in a comment opens nothing\n"
      "example.test:53 {\n"
      "    template IN A {\n"
      "        answer \"{{ .Name }} 30 IN A 10.0.0.1\"\n"
      "    }\n"
      "}\n"
      ".:53 {\n"
      "\tforward . 10.0.0.53   # tab-indented\n"
      "}\n";
  EXPECT_EQ(lo::corefile_with_imports(in),
            "# a { in a comment opens nothing\n"
            "example.test:53 {\n"
            "    template IN A {\n"
            "        answer \"{{ .Name }} 30 IN A 10.0.0.1\"\n"
            "    }\n"
            "}\n"
            ".:53 {\n"
            "\tforward . 10.0.0.53   # tab-indented\n"
            "\timport custom/*.override\n"
            "}\n"
            "import custom/*.server\n");
}

TEST(Corefile, ImportsAlreadyThereAreNotRepeated) {
  std::string in = "import custom/*.server\n. {\n    import custom/*.override\n    errors\n}\n";
  EXPECT_EQ(lo::corefile_with_imports(in), in);
  // only the missing one is added
  std::string half = ".:53 {\n    errors\n}\nimport custom/*.server\n";
  EXPECT_EQ(lo::corefile_with_imports(half), ".:53 {\n    errors\n    import custom/*.override\n}\nimport custom/*.server\n");
}

TEST(Corefile, AClosingBraceAfterADirectiveGetsTheImportBeforeIt) {
  EXPECT_EQ(lo::corefile_with_imports(".:53 {\n    errors }\n"),
            ".:53 {\n    errors\n    import custom/*.override\n}\nimport custom/*.server\n");
}

TEST(Corefile, NoMainServerBlockOrUnbalancedBracesAreErrors) {
  try {
    lo::corefile_with_imports("example.test:53 {\n    errors\n}\n");
    FAIL() << "no .:53 block must be an error";
  } catch (const lo::Error& e) {
    EXPECT_NE(std::string(e.what()).find("has no `.:53` server block"), std::string::npos) << e.what();
    EXPECT_NE(e.problems().at(0).hint.find("kubectl -n kube-system edit configmap coredns"), std::string::npos);
  }
  EXPECT_THROW(lo::corefile_with_imports(".:53 {\n    errors\n"), lo::Error);
  EXPECT_THROW(lo::corefile_with_imports(".:53 {\n}\n}\n"), lo::Error);
  EXPECT_THROW(lo::corefile_with_imports(""), lo::Error);
}

TEST(Corefile, TheConfigHashFollowsEveryFile) {
  std::string a = lo::corefile_config_hash("c", {{"host-0.server", "x"}});
  EXPECT_EQ(a, lo::corefile_config_hash("c", {{"host-0.server", "x"}}));
  EXPECT_NE(a, lo::corefile_config_hash("c", {{"host-0.server", "y"}}));
  EXPECT_NE(a, lo::corefile_config_hash("c", {{"host-1.server", "x"}}));
  EXPECT_NE(a, lo::corefile_config_hash("d", {{"host-0.server", "x"}}));
  EXPECT_NE(a, lo::corefile_config_hash("c", {}));
  // the boundaries between name and content count
  EXPECT_NE(lo::corefile_config_hash("c", {{"ab", "c"}}), lo::corefile_config_hash("c", {{"a", "bc"}}));
}

}  // namespace
