// What `kubectl lo lint` says about the objects of a target's sources (the
// files its kustomizations list as resources, followed into the folders
// they list), each with file and line:
//  - an object with neither lok8s.dev/name nor lok8s.dev/type, on the
//    object or set by a kustomization on the way (labels: pairs,
//    commonLabels): the Tilt extension cannot route it to a service or a
//    system type, so it is a leftover there;
//  - a Secret with data or stringData: credentials in plain text (base64 is
//    no encryption) in files that go into git with the target.
// Both are warnings: kustomize builds them and a cluster takes them.
#pragma once

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "lo/error.hpp"

namespace lo::cmd {

// The label keys a kustomization file sets on every object it emits
// (`labels[].pairs`, `commonLabels`). Unreadable files give none (the
// kustomization check reports them).
std::set<std::string> kustomization_label_keys(const std::filesystem::path& kustomization_file);

// Appends the warnings about the objects of one resource file; `labels`
// are the keys the kustomizations that reach it set. `shown` names the file
// in messages. A file that is not YAML is an error (kustomize fails on it).
void lint_resource_file(const std::filesystem::path& file, const std::string& shown, const std::set<std::string>& labels,
                        std::vector<Problem>& out);

}  // namespace lo::cmd
