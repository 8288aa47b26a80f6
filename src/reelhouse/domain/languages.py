"""Launch languages: what an operator may send as `lang`, and what Reelhouse plays it in.

The public contracts name a language two ways: SlotCity's reference uses integer codes
(`INTEGER_CODES`), and every contract also shows two-letter text. An operator keeps sending
whatever its integration sends, so any value of either form is accepted and a language
Reelhouse does not offer falls back to English instead of failing the launch: the player
still plays, in English.
"""

from __future__ import annotations

import re

FALLBACK_LANG = "en"

# The languages a game session can be opened in (the client shows English words where a
# language has no table of its own; client/i18n.py).
SUPPORTED_LANGS = ("en", "es", "de", "pt", "fr", "tr", "ko", "ja")

# The SlotCity reference's integer language codes, as published.
INTEGER_CODES: dict[int, str] = {
    1: "en",
    2: "ko",
    3: "th",
    4: "es",
    5: "ja",
    6: "pt",
    7: "tr",
    8: "de",
    9: "id",
    10: "ms",
    11: "zh",
}

# The longest language text read: a BCP 47 tag (`zh-Hant-TW`) fits; anything longer is
# refused by the request models before it gets here.
MAX_LANG_CHARS = 35

# The primary language subtag of `en`, `EN`, `en-US`, `pt_BR`.
_PRIMARY = re.compile(r"([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*", re.ASCII)


def launch_lang(value: int | str | None) -> str:
    """The supported language `value` names, or English: an integer code, a language tag
    in any case, or nothing at all."""
    if value is None or isinstance(value, bool):
        return FALLBACK_LANG
    if isinstance(value, int):
        named = INTEGER_CODES.get(value, FALLBACK_LANG)
    else:
        match = _PRIMARY.fullmatch(value.strip()) if len(value) <= MAX_LANG_CHARS else None
        named = match.group(1).lower() if match else FALLBACK_LANG
    return named if named in SUPPORTED_LANGS else FALLBACK_LANG
