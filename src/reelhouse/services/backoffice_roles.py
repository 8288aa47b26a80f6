"""The back office's two roles, apart from services/backoffice_users.py so that the command
line can offer them without loading the password hashing behind them."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"  # the platform's staff: every operator
    OPERATOR = "operator"  # an operator's staff: their own operator only
