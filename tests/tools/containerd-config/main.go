// containerd-config: what containerd really reads from a kind cluster config's
// containerdConfigPatches.
//
// It does on this machine what happens on a kind node: the node image's
// /etc/containerd/config.toml (testdata/, as kindest/node images ship it) is
// patched the way the kind CLI patches it (TOML merge patches, then JSON 6902
// patches, kind v0.33.0's rules), and the result is loaded by containerd's own
// config loader and its own migration of older config versions, in the
// containerd of the node image lo pins: containerd 2.0.2 (kindest/node:v1.32.2,
// kind v0.27). The config is loaded and migrated like `containerd` does at
// start (version 2 -> 3, plugin by plugin in dependency order), then the CRI
// image plugin (io.containerd.cri.v1.images) decodes its section. Keys a
// plugin does not know are what containerd logs as "Ignoring unknown key".
// (Older kindest/node images carry containerd 1.7: ../containerd1-config
// loads the merged config printed here with that loader. One binary cannot
// hold both: their protobuf types clash at start.)
//
// Usage: containerd-config -kind-config FILE [-base FILE]
// Prints one JSON object: the merged config, and the effective registry
// config_path, max_concurrent_downloads and the keys containerd ignored.
// Exit 1 on any error.
package main

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	burntoml "github.com/BurntSushi/toml"
	jsonpatch "github.com/evanphx/json-patch/v5"
	tomlv1 "github.com/pelletier/go-toml"
	"github.com/sirupsen/logrus"
	yamlv3 "go.yaml.in/yaml/v3"
	"sigs.k8s.io/kind/pkg/apis/config/v1alpha4"
	"sigs.k8s.io/yaml"

	srvconfig2 "github.com/containerd/containerd/v2/cmd/containerd/server/config"
	_ "github.com/containerd/containerd/v2/plugins/cri"
	_ "github.com/containerd/containerd/v2/plugins/cri/images"
	_ "github.com/containerd/containerd/v2/plugins/cri/runtime"
	version2 "github.com/containerd/containerd/v2/version"
	"github.com/containerd/log"
	"github.com/containerd/plugin/registry"
	tomlv2 "github.com/pelletier/go-toml/v2"
)

//go:embed testdata/kind-node-containerd-config.toml
var kindNodeConfig string

type effective struct {
	ConfigPath             string   `json:"config_path"`
	MaxConcurrentDownloads int      `json:"max_concurrent_downloads"`
	Ignored                []string `json:"ignored,omitempty"`
}

type result struct {
	Merged string `json:"merged"`
	effective
}

func main() {
	kindConfig := flag.String("kind-config", "", "a kind cluster config (kind.x-k8s.io/v1alpha4), e.g. `lo-kind config` output")
	base := flag.String("base", "", "the node's containerd config (default: the kindest/node one in testdata/)")
	flag.Parse()
	if *kindConfig == "" || flag.NArg() != 0 {
		fmt.Fprintln(os.Stderr, "usage: containerd-config -kind-config FILE [-base FILE]")
		os.Exit(2)
	}
	if err := run(*kindConfig, *base); err != nil {
		fmt.Fprintln(os.Stderr, "containerd-config:", err)
		os.Exit(1)
	}
}

func run(kindConfig, basePath string) error {
	text, err := os.ReadFile(kindConfig)
	if err != nil {
		return err
	}
	var cluster v1alpha4.Cluster
	if err := yaml.UnmarshalStrict(text, &cluster); err != nil {
		return fmt.Errorf("%s: %w", kindConfig, err)
	}
	if cluster.Kind != "Cluster" || cluster.APIVersion != "kind.x-k8s.io/v1alpha4" {
		return fmt.Errorf("%s: not a kind cluster config (kind %q, apiVersion %q)", kindConfig, cluster.Kind, cluster.APIVersion)
	}
	nodeConfig := kindNodeConfig
	if basePath != "" {
		b, err := os.ReadFile(basePath)
		if err != nil {
			return err
		}
		nodeConfig = string(b)
	}
	merged, err := kindPatch(nodeConfig, cluster.ContainerdConfigPatches, cluster.ContainerdConfigPatchesJSON6902)
	if err != nil {
		return fmt.Errorf("kind would fail to patch the containerd config: %w", err)
	}
	dir, err := os.MkdirTemp("", "containerd-config")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(path, []byte(merged), 0o644); err != nil {
		return err
	}
	out := result{Merged: merged}
	if out.effective, err = load(path); err != nil {
		return fmt.Errorf("containerd 2.0.2: %w", err)
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// kindPatch patches a node's containerd config the way the kind CLI (v0.33.0)
// does before it restarts containerd: the TOML is read as a generic tree
// (pelletier/go-toml v1) and turned into JSON; each merge patch whose
// `version` is unset or equal to the config's is applied as a JSON merge
// patch (RFC 7386), then the JSON 6902 patches; the result goes back to TOML
// through YAML (for number types) and BurntSushi's encoder.
func kindPatch(config string, patches, patches6902 []string) (string, error) {
	version, err := configVersion(config)
	if err != nil {
		return "", err
	}
	if version == 0 {
		return "", fmt.Errorf("the node config sets no version")
	}
	doc, err := tomlToJSON(config)
	if err != nil {
		return "", err
	}
	for i, p := range patches {
		v, err := configVersion(p)
		if err != nil {
			return "", fmt.Errorf("containerdConfigPatches[%d]: %w", i, err)
		}
		if v != 0 && v != version {
			continue // kind skips a patch written for another config version
		}
		pj, err := tomlToJSON(p)
		if err != nil {
			return "", fmt.Errorf("containerdConfigPatches[%d]: %w", i, err)
		}
		if doc, err = jsonpatch.MergePatch(doc, pj); err != nil {
			return "", fmt.Errorf("containerdConfigPatches[%d]: %w", i, err)
		}
	}
	for i, p := range patches6902 {
		ops, err := jsonpatch.DecodePatch([]byte(p))
		if err != nil {
			return "", fmt.Errorf("containerdConfigPatchesJSON6902[%d]: %w", i, err)
		}
		if doc, err = ops.Apply(doc); err != nil {
			return "", fmt.Errorf("containerdConfigPatchesJSON6902[%d]: %w", i, err)
		}
	}
	var tree interface{}
	if err := yamlv3.Unmarshal(doc, &tree); err != nil {
		return "", err
	}
	var buf bytes.Buffer
	if err := burntoml.NewEncoder(&buf).Encode(tree); err != nil {
		return "", err
	}
	return buf.String(), nil
}

func configVersion(text string) (int, error) {
	var v struct {
		Version int `toml:"version,omitempty"`
	}
	err := tomlv1.Unmarshal([]byte(text), &v)
	return v.Version, err
}

func tomlToJSON(text string) ([]byte, error) {
	tree, err := tomlv1.LoadBytes([]byte(text))
	if err != nil {
		return nil, err
	}
	return json.Marshal(tree.ToMap())
}

// ignoredKeys collects what containerd logs as "Ignoring unknown key in TOML
// for plugin" while plugins decode their sections.
type ignoredKeys struct{ keys []string }

func (h *ignoredKeys) Levels() []logrus.Level { return logrus.AllLevels }
func (h *ignoredKeys) Fire(e *logrus.Entry) error {
	if strings.Contains(e.Message, "Ignoring unknown key") {
		h.keys = append(h.keys, fmt.Sprintf("%v: %v", e.Data["plugin"], e.Data["key"]))
	}
	return nil
}

// load loads the config like containerd 2 does at start: defaults of the
// current version, the file merged in, the server-level migration, then each
// plugin's migration from the file's version up, in the plugin graph's order,
// then the CRI image plugin decodes its section.
func load(path string) (effective, error) {
	ctx := context.Background()
	hook := &ignoredKeys{}
	log.L.Logger.SetOutput(io.Discard)
	log.L.Logger.AddHook(hook)

	cfg := &srvconfig2.Config{Version: version2.ConfigVersion}
	if err := srvconfig2.LoadConfig(ctx, path, cfg); err != nil {
		return effective{}, err
	}
	from := cfg.Version
	if err := cfg.MigrateConfig(ctx); err != nil {
		return effective{}, err
	}
	plugins := registry.Graph(srvconfig2.V2DisabledFilter(cfg.DisabledPlugins))
	for v := from; v < version2.ConfigVersion; v++ {
		for _, p := range plugins {
			if p.ConfigMigration != nil {
				if err := p.ConfigMigration(ctx, v, cfg.Plugins); err != nil {
					return effective{}, err
				}
			}
		}
	}
	var images map[string]interface{}
	for _, p := range plugins {
		if p.Config == nil {
			continue
		}
		pc, err := cfg.Decode(ctx, p.URI(), p.Config)
		if err != nil {
			return effective{}, fmt.Errorf("plugin %s: %w", p.URI(), err)
		}
		if p.URI() != "io.containerd.cri.v1.images" {
			continue
		}
		b, err := tomlv2.Marshal(pc)
		if err != nil {
			return effective{}, err
		}
		if err := tomlv2.Unmarshal(b, &images); err != nil {
			return effective{}, err
		}
	}
	if images == nil {
		return effective{}, fmt.Errorf("the CRI image plugin (io.containerd.cri.v1.images) is not registered")
	}
	e := effective{Ignored: hook.keys}
	if n, ok := images["max_concurrent_downloads"].(int64); ok {
		e.MaxConcurrentDownloads = int(n)
	}
	if reg, ok := images["registry"].(map[string]interface{}); ok {
		e.ConfigPath, _ = reg["config_path"].(string)
	}
	sort.Strings(e.Ignored)
	return e, nil
}
