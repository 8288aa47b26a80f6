"""The game page served at a session URL: a small HTML shell, the client's own script and
style sheet (served by the app from this package, `api/client_assets.py`), and the boot data
as JSON. Everything the page needs comes from Reelhouse itself: no CDN, no fonts or images
from elsewhere, and a Content-Security-Policy that forbids any other origin."""

from __future__ import annotations

import hashlib
import html
import json
from functools import cache
from importlib import resources
from string import Template
from typing import Any

from reelhouse.client.i18n import page_lang, words_for
from reelhouse.domain.session_end import SESSION_OVER_CODES

PAGE = Template((resources.files("reelhouse.client") / "game.html").read_text(encoding="utf-8"))

JAVASCRIPT = "text/javascript; charset=utf-8"
# The client's scripts in the order the page loads them: each module defines one global
# (ReelArt, ReelSound, ...) that game.js, last, puts together (docs/game-client.md).
SCRIPTS = (
    "art.js",
    "symbols.js",
    "sound.js",
    "reels.js",
    "present.js",
    "mechanics.js",
    "buy.js",
    "autoplay.js",
    "history.js",
    "help.js",
    "reality.js",
    "game.js",
)
# The files the app serves under ASSET_PATH, and their media types.
ASSETS = {name: JAVASCRIPT for name in SCRIPTS} | {"game.css": "text/css; charset=utf-8"}
ASSET_PATH = "/client"

# The page may talk to its own origin only; `data:` images are the symbol art (art.js).
# Framing is left open on purpose: casinos embed games in an iframe.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'"
)


@cache
def asset_bytes(name: str) -> bytes:
    assert name in ASSETS, f"not a client asset: {name}"
    return (resources.files("reelhouse.client") / "static" / name).read_bytes()


@cache
def asset_version(name: str) -> str:
    """A content hash in the asset's URL, so a new release is never served from a stale cache
    while an unchanged one can be cached for good."""
    return hashlib.sha256(asset_bytes(name)).hexdigest()[:12]


def asset_url(name: str) -> str:
    return f"{ASSET_PATH}/{name}?v={asset_version(name)}"


def safe_return_url(url: str) -> str:
    """Only an http(s) return URL becomes the exit button: a `javascript:` one would run in
    the game's origin."""
    lowered = url.strip().lower()
    return url.strip() if lowered.startswith(("http://", "https://")) else ""


def render_game_page(session_token: str, state: dict[str, Any]) -> str:
    lang = page_lang(state["lang"])
    boot = {
        "token": session_token,
        "state": state | {"return_url": safe_return_url(state.get("return_url") or "")},
        "words": words_for(lang),
        # The codes after which the session is over: the client stops offering spins.
        "session_over": list(SESSION_OVER_CODES),
    }
    # JSON inside a <script type="application/json">: `<` is escaped so no value can close
    # the element, and the browser never executes it.
    boot_json = json.dumps(boot, ensure_ascii=False).replace("<", "\\u003c")
    return PAGE.substitute(
        lang=html.escape(lang),
        title=html.escape(state["game"]["name"]),
        boot=boot_json,
        css=html.escape(asset_url("game.css")),
        scripts="\n".join(
            f'<script src="{html.escape(asset_url(name))}"></script>' for name in SCRIPTS
        ),
    )
