// containerd1-config: what containerd 1.7 (the containerd of kindest/node
// images up to kind v0.26) reads from a node's containerd config.
//
// The config (the merged one ../containerd-config prints: the node image's
// file patched like the kind CLI patches it) is loaded by containerd 1.7.24's
// own server config loader, then the CRI plugin (io.containerd.grpc.v1.cri)
// decodes its section into its defaults, as pkg/cri registers them. Keys the
// plugin does not know are dropped silently by containerd 1.7.
//
// Usage: containerd1-config CONFIG.toml
// Prints {"config_path": ..., "max_concurrent_downloads": ...}. Exit 1 on any error.
package main

import (
	"encoding/json"
	"fmt"
	"os"

	criconfig "github.com/containerd/containerd/pkg/cri/config"
	"github.com/containerd/containerd/plugin"
	srvconfig "github.com/containerd/containerd/services/server/config"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: containerd1-config CONFIG.toml")
		os.Exit(2)
	}
	cfg := &srvconfig.Config{}
	if err := srvconfig.LoadConfig(os.Args[1], cfg); err != nil {
		fmt.Fprintln(os.Stderr, "containerd1-config:", err)
		os.Exit(1)
	}
	cri := criconfig.DefaultConfig()
	if _, err := cfg.Decode(&plugin.Registration{Type: plugin.GRPCPlugin, ID: "cri", Config: &cri}); err != nil {
		fmt.Fprintln(os.Stderr, "containerd1-config: plugin io.containerd.grpc.v1.cri:", err)
		os.Exit(1)
	}
	out := map[string]interface{}{
		"config_path":              cri.Registry.ConfigPath,
		"max_concurrent_downloads": cri.MaxConcurrentDownloads,
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, "containerd1-config:", err)
		os.Exit(1)
	}
}
