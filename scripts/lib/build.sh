# shellcheck shell=bash
# Configures and builds the project in build/.

# build_project <target...>: builds the named CMake targets ("all" for everything).
build_project() {
  # Configuring every time is cheap and mends a build directory whose last configure failed.
  # The build type applies to a new build directory; an existing one keeps its own.
  local build_type=()
  [[ -f $BUILD_DIR/CMakeCache.txt ]] || build_type=(-DCMAKE_BUILD_TYPE=RelWithDebInfo)
  info "configuring the build in $BUILD_DIR"
  cmake -S "$REPO_ROOT" -B "$BUILD_DIR" "${build_type[@]}" >/dev/null
  local jobs=${GATEWAY_BUILD_JOBS:-$(nproc)}
  info "building $* (-j$jobs)"
  cmake --build "$BUILD_DIR" -j"$jobs" --target "$@"
}
