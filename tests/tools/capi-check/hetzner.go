package main

// The Hetzner provider's kinds (infrastructure.cluster.x-k8s.io/v1beta1), as
// documented in CAPH's reference pages (docs/reference/*.md). The proxy does
// not serve github.com/syself/cluster-api-provider-hetzner, so these structs
// are this checker's own: a field lo renders that they lack fails the check,
// but they are only as exact as that documentation.

import metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

type hcloudSSHKey struct {
	Name        string `json:"name"`
	Fingerprint string `json:"fingerprint,omitempty"`
}

type sshSecretRef struct {
	Name string `json:"name"`
	Key  struct {
		Name       string `json:"name"`
		PublicKey  string `json:"publicKey"`
		PrivateKey string `json:"privateKey"`
	} `json:"key"`
}

type hetznerCluster struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              struct {
		HCloudNetwork *struct {
			Enabled         bool   `json:"enabled"`
			CIDRBlock       string `json:"cidrBlock,omitempty"`
			SubnetCIDRBlock string `json:"subnetCidrBlock,omitempty"`
			NetworkZone     string `json:"networkZone,omitempty"`
		} `json:"hcloudNetwork,omitempty"`
		ControlPlaneRegions []string `json:"controlPlaneRegions,omitempty"`
		SSHKeys             *struct {
			HCloud               []hcloudSSHKey `json:"hcloud,omitempty"`
			RobotRescueSecretRef *sshSecretRef  `json:"robotRescueSecretRef,omitempty"`
		} `json:"sshKeys,omitempty"`
		ControlPlaneEndpoint *struct {
			Host string `json:"host"`
			Port int32  `json:"port"`
		} `json:"controlPlaneEndpoint,omitempty"`
		ControlPlaneLoadBalancer struct {
			Enabled   *bool  `json:"enabled,omitempty"`
			Name      string `json:"name,omitempty"`
			Algorithm string `json:"algorithm,omitempty"`
			Type      string `json:"type,omitempty"`
			Port      int    `json:"port,omitempty"`
			Region    string `json:"region,omitempty"`
		} `json:"controlPlaneLoadBalancer"`
		HCloudPlacementGroups []struct {
			Name string `json:"name"`
			Type string `json:"type,omitempty"`
		} `json:"hcloudPlacementGroups,omitempty"`
		HetznerSecretRef struct {
			Name string `json:"name"`
			Key  struct {
				HCloudToken          string `json:"hcloudToken,omitempty"`
				HetznerRobotUser     string `json:"hetznerRobotUser,omitempty"`
				HetznerRobotPassword string `json:"hetznerRobotPassword,omitempty"`
			} `json:"key"`
		} `json:"hetznerSecretRef"`
	} `json:"spec"`
}

type hcloudMachineTemplate struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              struct {
		Template struct {
			Spec struct {
				Type               string         `json:"type"`
				ImageName          string         `json:"imageName"`
				PlacementGroupName *string        `json:"placementGroupName,omitempty"`
				SSHKeys            []hcloudSSHKey `json:"sshKeys,omitempty"`
				PublicNetwork      *struct {
					EnableIPv4 bool `json:"enableIPv4"`
					EnableIPv6 bool `json:"enableIPv6"`
				} `json:"publicNetwork,omitempty"`
			} `json:"spec"`
		} `json:"template"`
	} `json:"spec"`
}

type bareMetalMachineTemplate struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              struct {
		Template struct {
			Spec struct {
				InstallImage struct {
					Image struct {
						URL  string `json:"url,omitempty"`
						Name string `json:"name,omitempty"`
						Path string `json:"path,omitempty"`
					} `json:"image"`
					PostInstallScript string `json:"postInstallScript,omitempty"`
					Swraid            int    `json:"swraid,omitempty"`
					SwraidLevel       int    `json:"swraidLevel,omitempty"`
					Partitions        []struct {
						Mount      string `json:"mount"`
						FileSystem string `json:"fileSystem"`
						Size       string `json:"size"`
					} `json:"partitions"`
				} `json:"installImage"`
				HostSelector *metav1.LabelSelector `json:"hostSelector,omitempty"`
				SSHSpec      struct {
					SecretRef             sshSecretRef `json:"secretRef"`
					PortAfterInstallImage int          `json:"portAfterInstallImage,omitempty"`
					PortAfterCloudInit    int          `json:"portAfterCloudInit,omitempty"`
				} `json:"sshSpec"`
			} `json:"spec"`
		} `json:"template"`
	} `json:"spec"`
}

type bareMetalHost struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              struct {
		ServerID        int `json:"serverID"`
		RootDeviceHints *struct {
			WWN string `json:"wwn"`
		} `json:"rootDeviceHints,omitempty"`
		MaintenanceMode *bool  `json:"maintenanceMode,omitempty"`
		Description     string `json:"description,omitempty"`
	} `json:"spec"`
}

func hetznerObject(apiVersion, kind string) (any, bool) {
	if apiVersion != "infrastructure.cluster.x-k8s.io/v1beta1" {
		return nil, false
	}
	switch kind {
	case "HetznerCluster":
		return &hetznerCluster{}, true
	case "HCloudMachineTemplate":
		return &hcloudMachineTemplate{}, true
	case "HetznerBareMetalMachineTemplate":
		return &bareMetalMachineTemplate{}, true
	case "HetznerBareMetalHost":
		return &bareMetalHost{}, true
	}
	return nil, false
}
