"""The soak test drives sign-ins with mock_idx's own IDX driver (tests/mock_idx/idx_driver.py)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "mock_idx"))
