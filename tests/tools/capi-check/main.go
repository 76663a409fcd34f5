// capi-check: strictly decodes every object of a rendered Cluster API stream
// into the upstream Go API types (Cluster API's sigs.k8s.io/cluster-api/api,
// CAPA's sigs.k8s.io/cluster-api-provider-aws/v2). An unknown field, a wrong
// type or an unknown apiVersion/kind is an error naming the document.
//
// The Hetzner provider's module (github.com/syself/cluster-api-provider-hetzner)
// is not served by the Go module proxy reachable here (403 for every version),
// so its kinds are decoded against the structs in hetzner.go, written for
// this checker from CAPH's documented v1beta1 API: they check lo's field
// names and types, not CAPH's own code.
//
//	capi-check FILE|-    exit 0 when every document decodes, 1 otherwise
package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"

	"sigs.k8s.io/yaml"

	capav1 "sigs.k8s.io/cluster-api-provider-aws/v2/api/v1beta2"
	kubeadmbootstrap "sigs.k8s.io/cluster-api/api/bootstrap/kubeadm/v1beta2"
	kubeadmcp "sigs.k8s.io/cluster-api/api/controlplane/kubeadm/v1beta2"
	clusterv1 "sigs.k8s.io/cluster-api/api/core/v1beta2"
)

// newObject returns an empty value of the upstream type of apiVersion/kind.
func newObject(apiVersion, kind string) (any, bool) {
	switch apiVersion + "/" + kind {
	case "cluster.x-k8s.io/v1beta2/Cluster":
		return &clusterv1.Cluster{}, true
	case "cluster.x-k8s.io/v1beta2/MachineDeployment":
		return &clusterv1.MachineDeployment{}, true
	case "controlplane.cluster.x-k8s.io/v1beta2/KubeadmControlPlane":
		return &kubeadmcp.KubeadmControlPlane{}, true
	case "bootstrap.cluster.x-k8s.io/v1beta2/KubeadmConfigTemplate":
		return &kubeadmbootstrap.KubeadmConfigTemplate{}, true
	case "infrastructure.cluster.x-k8s.io/v1beta2/AWSCluster":
		return &capav1.AWSCluster{}, true
	case "infrastructure.cluster.x-k8s.io/v1beta2/AWSMachineTemplate":
		return &capav1.AWSMachineTemplate{}, true
	}
	return hetznerObject(apiVersion, kind)
}

type typeMeta struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name string `json:"name"`
	} `json:"metadata"`
}

// documents splits a YAML stream at "---" lines.
func documents(data []byte) [][]byte {
	var out [][]byte
	var cur bytes.Buffer
	for _, line := range strings.SplitAfter(string(data), "\n") {
		if strings.TrimRight(line, " \t\r\n") == "---" {
			out = append(out, append([]byte(nil), cur.Bytes()...))
			cur.Reset()
			continue
		}
		cur.WriteString(line)
	}
	return append(out, cur.Bytes())
}

func check(doc []byte) (string, error) {
	var tm typeMeta
	if err := yaml.Unmarshal(doc, &tm); err != nil {
		return "", err
	}
	if tm.Kind == "" {
		return "", nil // an empty document
	}
	name := tm.Kind + "/" + tm.Metadata.Name
	obj, ok := newObject(tm.APIVersion, tm.Kind)
	if !ok {
		return name, fmt.Errorf("no upstream type for apiVersion %q kind %q", tm.APIVersion, tm.Kind)
	}
	return name, yaml.UnmarshalStrict(doc, obj)
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: capi-check FILE|-")
		os.Exit(2)
	}
	var data []byte
	var err error
	if os.Args[1] == "-" {
		data, err = io.ReadAll(os.Stdin)
	} else {
		data, err = os.ReadFile(os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "capi-check:", err)
		os.Exit(1)
	}
	failed, checked := 0, 0
	for i, doc := range documents(data) {
		name, err := check(doc)
		if err != nil {
			fmt.Fprintf(os.Stderr, "capi-check: document %d (%s): %v\n", i+1, name, err)
			failed++
		} else if name != "" {
			checked++
			fmt.Println("ok", name)
		}
	}
	if failed > 0 || checked == 0 {
		os.Exit(1)
	}
}
