# Shared by scripts/demo and scripts/test: one virtualenv at .venv, made with the first Python >= 3.11 found.
VENV="${MOCK_IDX_VENV:-.venv}"

find_python() {
  local candidate
  for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  echo "mock-idx needs Python 3.11 or newer (on Debian/Ubuntu: apt-get install python3 python3-venv)" >&2
  return 1
}

ensure_venv() {
  if [ ! -x "$VENV/bin/python" ]; then
    local python
    python=$(find_python)
    "$python" -m venv "$VENV" || {
      echo "Could not create a virtualenv: on Debian/Ubuntu run 'apt-get install python3-venv'" >&2; return 1; }
  fi
}
