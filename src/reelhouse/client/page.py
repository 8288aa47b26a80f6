"""The minimal game page served at a session URL. The full HTML5 client replaces it later;
it already speaks the JSON game API it will use (`/api/game/state`, `/api/game/spin`)."""

from __future__ import annotations

import html
import json
from pathlib import Path
from string import Template
from typing import Any

PAGE = Template((Path(__file__).parent / "game.html").read_text())


def render_game_page(session_token: str, state: dict[str, Any]) -> str:
    # The boot data goes into a script as JSON; `</` is escaped so no value can close it.
    boot = json.dumps({"token": session_token, "state": state}).replace("</", "<\\/")
    return PAGE.substitute(
        lang=html.escape(state["lang"]), title=html.escape(state["game"]["name"]), boot=boot
    )
