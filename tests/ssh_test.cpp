// lo/ssh.hpp: the words a remote shell reads back, the destinations lo-kind
// --tunnel takes, and the kubeconfig rewrite of the API tunnel.
#include "lo/ssh.hpp"

#include <gtest/gtest.h>

#include "lo/error.hpp"

namespace {

TEST(Ssh, QuoteKeepsSafeWordsAndSingleQuotesTheRest) {
  EXPECT_EQ(lo::ssh::quote("/workspace"), "/workspace");
  EXPECT_EQ(lo::ssh::quote("a b"), "'a b'");
  EXPECT_EQ(lo::ssh::quote("it's"), "'it'\\''s'");
  EXPECT_EQ(lo::ssh::quote("$(rm -rf /)"), "'$(rm -rf /)'");
  EXPECT_EQ(lo::ssh::quote(""), "''");
  EXPECT_EQ(lo::ssh::quote("<ssh_user>"), "<ssh_user>");  // a dry run's placeholder
}

TEST(Ssh, CommandEndsOptionsBeforeTheDestination) {
  lo::ssh::Target t{"root", "192.0.2.1", "2222", "/k/id", "/s"};
  auto a = lo::ssh::command(t, {"mkdir", "-p", "/a b"});
  std::vector<std::string> tail(a.end() - 5, a.end());
  EXPECT_EQ(tail, (std::vector<std::string>{"--", "root@192.0.2.1", "mkdir", "-p", "'/a b'"}));
  EXPECT_EQ(t.docker_host(), "ssh://root@192.0.2.1:2222");
}

TEST(Ssh, DestinationsAreCheckedLikeAddresses) {
  auto t = lo::ssh::parse_destination("ubuntu@vm.example.com:2222", "--tunnel");
  EXPECT_EQ(t.user, "ubuntu");
  EXPECT_EQ(t.host, "vm.example.com");
  EXPECT_EQ(t.port, "2222");
  EXPECT_EQ(lo::ssh::parse_destination("root@10.0.0.1", "--tunnel").port, "22");
  EXPECT_THROW(lo::ssh::parse_destination("root@-oProxyCommand=x", "--tunnel"), lo::UsageError);
  EXPECT_THROW(lo::ssh::parse_destination("-x@host", "--tunnel"), lo::UsageError);
  EXPECT_THROW(lo::ssh::parse_destination("host", "--tunnel"), lo::UsageError);
}

TEST(Ssh, TunnelledKubeconfigPointsEveryServerAtTheLocalEnd) {
  auto t = lo::ssh::tunnel_kubeconfig(
      "clusters:\n- cluster:\n    server: \"https://127.0.0.1:41234\"\n  name: a\n- cluster:\n    server: https://10.0.0.5:6443\n",
      "kc");
  EXPECT_EQ(t.port, "41234");
  EXPECT_EQ(t.api_host, "127.0.0.1");
  EXPECT_EQ(t.kubeconfig,
            "clusters:\n- cluster:\n    server: https://127.0.0.1:41234\n  name: a\n- cluster:\n    server: https://127.0.0.1:6443\n");
  EXPECT_THROW(lo::ssh::tunnel_kubeconfig("clusters: []\n", "kc"), lo::Error);
  EXPECT_THROW(lo::ssh::tunnel_kubeconfig("    server: not-a-url\n", "kc"), lo::Error);
}

}  // namespace
