# Shared by scripts/run and scripts/test: install what is missing, then build.
# Sourced, not run.
set -euo pipefail

TW_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TW_BUILD="${TW_BUILD_DIR:-$TW_ROOT/build}"

# Debian 12 packages of the stack (DESIGN.md) plus the build tools.
TW_PACKAGES=(
  build-essential cmake ninja-build pkg-config
  qt6-base-dev qt6-charts-dev libqt6opengl6-dev qt6-svg-dev libgl-dev
  libtorch-dev libopenblas0-pthread libopenblas-dev
  libeigen3-dev libnlopt-cxx-dev zlib1g-dev nlohmann-json3-dev
  libxgboost-dev
  libpq-dev postgresql
  # tw slurm submits with sbatch (slurm-client); its test starts a one-node
  # cluster: slurm-wlm brings slurmctld, slurmd and slurm-client, munge munged.
  slurm-wlm munge
  fortunes
  dataset-fashion-mnist
)

tw_install_packages() {
  local missing=()
  for p in "${TW_PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$p")
    fi
  done
  if [ ${#missing[@]} -eq 0 ]; then
    return 0
  fi
  echo "==> installing Debian packages: ${missing[*]}"
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    sudo="sudo"
  fi
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
}

tw_build() {
  local generator=()
  if [ ! -f "$TW_BUILD/CMakeCache.txt" ]; then
    if command -v ninja >/dev/null; then generator=(-G Ninja); fi
    cmake -S "$TW_ROOT" -B "$TW_BUILD" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release
  fi
  cmake --build "$TW_BUILD" --parallel "$(nproc)"
}
