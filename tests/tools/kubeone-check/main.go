// kubeone-check: strictly decodes a kubeone.yaml into KubeOne's own
// KubeOneCluster type (k8c.io/kubeone/pkg/apis/kubeone/v1beta2). An unknown
// field, a wrong type or another apiVersion/kind is an error.
//
//	kubeone-check FILE|-    exit 0 when it decodes, 1 otherwise
package main

import (
	"fmt"
	"io"
	"os"

	"sigs.k8s.io/yaml"

	kubeonev1beta2 "k8c.io/kubeone/pkg/apis/kubeone/v1beta2"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: kubeone-check FILE|-")
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
		fmt.Fprintln(os.Stderr, "kubeone-check:", err)
		os.Exit(1)
	}
	var c kubeonev1beta2.KubeOneCluster
	if err := yaml.UnmarshalStrict(data, &c); err != nil {
		fmt.Fprintln(os.Stderr, "kubeone-check:", err)
		os.Exit(1)
	}
	if c.APIVersion != "kubeone.k8c.io/v1beta2" || c.Kind != "KubeOneCluster" {
		fmt.Fprintf(os.Stderr, "kubeone-check: apiVersion %q kind %q, want kubeone.k8c.io/v1beta2 KubeOneCluster\n", c.APIVersion, c.Kind)
		os.Exit(1)
	}
	fmt.Printf("ok KubeOneCluster/%s: %d control-plane hosts, %d static workers, %d dynamic worker pools\n",
		c.Name, len(c.ControlPlane.Hosts), len(c.StaticWorkers.Hosts), len(c.DynamicWorkers))
}
