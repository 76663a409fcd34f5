# Stages lo's data folders into <build>/share/lo/ on every build, so a binary
# in <build>/bin finds them the way an installed one finds <prefix>/share/lo
# (common/include/lo/data_home.hpp): any build folder works.
#
# Each folder is a symlink into the source tree, not a copy: an edited or a
# new addon is what the next `kubectl lo bootstrap` from the build tree uses,
# without a rebuild, exactly as the files in the checkout read. Installs and
# the krew archive copy the real files.
#
# An item SRC_PATH=NAME links <source>/SRC_PATH as share/lo/NAME (the driver
# templates live beside the drivers' code, kubectl-lo/drivers/).
#
#   cmake -DSRC=<source dir> -DDEST=<build>/share/lo -DITEMS="addons;..." -P stage_data.cmake
file(MAKE_DIRECTORY "${DEST}")
# -D values are cache entries, which foreach(IN LISTS) does not read in script mode.
set(items "${ITEMS}")
foreach(item IN LISTS items)
  if(item MATCHES "^([^=]+)=(.+)$")
    set(target "${SRC}/${CMAKE_MATCH_1}")
    set(link "${DEST}/${CMAKE_MATCH_2}")
  else()
    set(target "${SRC}/${item}")
    set(link "${DEST}/${item}")
  endif()
  if(IS_SYMLINK "${link}")
    file(READ_SYMLINK "${link}" current)
    if(current STREQUAL target)
      continue()
    endif()
    file(REMOVE "${link}")
  elseif(EXISTS "${link}")
    file(REMOVE_RECURSE "${link}")
  endif()
  file(CREATE_LINK "${target}" "${link}" SYMBOLIC)
endforeach()
