# Shared set-up steps for scripts/run and scripts/test (sourced, not executed).
UV_VERSION=0.13.9
export UV_PYTHON_DOWNLOADS=never

uv() { python3 -m uv "$@"; }

ensure_uv() {
  if ! python3 -m uv --version >/dev/null 2>&1; then
    echo "== installing uv $UV_VERSION"
    python3 -m pip install --quiet "uv==$UV_VERSION"
  fi
}

uv_sync() {
  echo "== installing Python dependencies from uv.lock"
  uv sync --frozen --quiet
}

ensure_chromium() {
  if [ -x /usr/bin/chromium ]; then return; fi
  echo "== installing Debian's chromium for the browser tests"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
}
