// --image NAME=REF: the containers whose image is NAME (any tag or digest)
// run REF instead, as `kustomize edit set image NAME=REF` would have
// written it. Tilt's custom deploy hands the tags it built to the apply
// command this way (tilt/lo/Tiltfile, deploy='lo'); CI can deploy a freshly
// pushed tag without editing a kustomization.
#include "deploy.hpp"
#include "lo/error.hpp"

namespace lo::deploy {
namespace {

// The repository of a reference: without @digest, without :tag.
std::string repository(const std::string& ref) {
  std::string r = ref.substr(0, ref.find('@'));
  size_t slash = r.rfind('/');
  size_t colon = r.rfind(':');
  if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) r.resize(colon);
  return r;
}

void visit(Json& node, const std::vector<ImageOverride>& images, std::vector<size_t>& used) {
  if (node.is_array()) {
    for (auto& v : node) visit(v, images, used);
    return;
  }
  if (!node.is_object()) return;
  for (const char* key : {"containers", "initContainers", "ephemeralContainers"}) {
    auto list = node.find(key);
    if (list == node.end() || !list->is_array()) continue;
    for (auto& c : *list) {
      if (!c.is_object() || !c.contains("image") || !c["image"].is_string()) continue;
      std::string repo = repository(c["image"].get<std::string>());
      for (size_t i = 0; i < images.size(); ++i) {
        if (images[i].name != repo) continue;
        c["image"] = images[i].ref;
        ++used[i];
        break;
      }
    }
  }
  for (auto it = node.begin(); it != node.end(); ++it) visit(it.value(), images, used);
}

}  // namespace

ImageOverride parse_image(const std::string& text) {
  std::string hint = "write --image NAME=REF, e.g. --image lok8s.local/api=registry.example.com/api:1.2.3";
  auto eq = text.find('=');
  if (eq == std::string::npos) throw UsageError("invalid --image '" + text + "': no '='", hint);
  ImageOverride o{text.substr(0, eq), text.substr(eq + 1)};
  if (o.name.empty() || o.ref.empty() || text.find_first_of(" \t\n") != std::string::npos)
    throw UsageError("invalid --image '" + text + "': NAME and REF must be image references without spaces", hint);
  if (repository(o.name) != o.name)
    throw UsageError("invalid --image '" + text + "': NAME is an image name without a tag or digest", hint);
  return o;
}

size_t set_images(Json& object, const std::vector<ImageOverride>& images, std::vector<size_t>& used) {
  size_t before = 0;
  for (size_t n : used) before += n;
  visit(object, images, used);
  size_t after = 0;
  for (size_t n : used) after += n;
  return after - before;
}

}  // namespace lo::deploy
