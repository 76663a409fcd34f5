package main

import (
	_ "k8c.io/kubeone/pkg/apis/kubeone/v1beta2"
	_ "sigs.k8s.io/yaml"
)

func main() {}
