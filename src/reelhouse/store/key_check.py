"""Does the deployment key open what the database holds sealed?

Every operator row holds its callback token sealed with the key (store/secrets.py). One of
them, opened at start, tells a right key from a wrong one before any request needs it: a
wrong key used to surface as a 500 (`InvalidTag`) at every launch. And a database that
holds sealed values must never get a newly made key.
"""

from __future__ import annotations

from cryptography.exceptions import InvalidTag
from sqlalchemy import inspect, select

from reelhouse.store.db import Database
from reelhouse.store.models import Operator
from reelhouse.store.presence import existing_engine
from reelhouse.store.secrets import Sealer, SecretKeyError

_SAMPLE = select(Operator.callback_token_sealed).order_by(Operator.id).limit(1)


def sealed_sample(db: Database) -> str | None:
    """One sealed value the database holds, or None if it holds none."""
    with db.transaction() as session:
        return session.scalar(_SAMPLE)


def holds_sealed_values(url: str) -> bool:
    """For a database that may not exist or be migrated yet: is there any sealed value?
    Creates nothing (a missing SQLite file stays missing)."""
    with existing_engine(url) as engine:
        if engine is None or not inspect(engine).has_table(Operator.__tablename__):
            return False
        with engine.connect() as conn:
            return conn.scalar(_SAMPLE) is not None


def check_key(db: Database, sealer: Sealer, source: str) -> None:
    """SecretKeyError, naming where the key came from, if it cannot open what is stored."""
    sample = sealed_sample(db)
    if sample is None:
        return
    try:
        sealer.open(sample)
    except (InvalidTag, ValueError) as exc:
        raise SecretKeyError(
            f"the secret key from {source} does not open the secrets stored in the database"
            " (operators' callback tokens): it is not the key they were sealed with. Start"
            " with the key that sealed them (REELHOUSE_SECRET_KEY, or the key file in the"
            " data directory REELHOUSE_DATA_DIR); reissuing every operator's tokens is the"
            " only way to change keys."
        ) from exc
