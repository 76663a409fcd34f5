// The garbage collector: what kube-controller-manager's does with
// metadata.ownerReferences once an owner is deleted.
//
//   Background (the default)  the owner goes at once; every dependent whose
//                             owners are all gone is deleted (in the
//                             background too, so the deletion cascades);
//                             a dependent that still has another owner only
//                             loses the reference.
//   Foreground                the owner stays, with a deletionTimestamp and
//                             the "foregroundDeletion" finalizer, until its
//                             dependents are deleted; those with
//                             blockOwnerDeletion=true hold it until they
//                             are gone, then the finalizer is removed.
//   Orphan                    the owner stays with the "orphan" finalizer
//                             until its dependents lose their references to
//                             it; the dependents stay.
//
// It reads the store's event history like the controllers and sweeps the
// whole store when an event may matter (a deletion, an object with owner
// references, an owner waiting on a finalizer).
#pragma once

#include "objects.hpp"
#include "store_thread.hpp"

namespace lotest {

class GarbageCollector {
 public:
  explicit GarbageCollector(Objects& objects) : objects_(objects) {}
  void start() { thread_.start([this] { run(); }); }
  void stop() { thread_.stop(); }  // shuts the store down

 private:
  void run();
  // One pass; false when a write lost a race and another pass is due.
  bool sweep();

  Objects& objects_;
  uint64_t cursor_ = 0;
  StoreThread thread_{objects_.store()};  // last: stopped before the rest goes
};

}  // namespace lotest
