"""`SupplierGames`: the supplier's side of the aggregator's requests (Hub88 supplier API), a
tiny threaded HTTP server on 127.0.0.1 for demos and tests.

It answers `/game/url` (a URL of a fake game page carrying the token; the token is then
known as launched), `/game/list` (a catalogue that can be changed while it runs, so
catalogue sync can be tested), `/freebet/prepaids/list` and `/freebet/rewards/create`
(recorded). Every request is recorded, answered or not, for a test's assertions.

Refusals (docs/providers.md, "The demo supplier"), checked in this order; every refusal
body is `{"status": ...}`:

- unknown path, or a GET other than the game page: HTTP 404, RS_ERROR_WRONG_SYNTAX;
- no Content-Length (411) or a body over 64 KiB (413): RS_ERROR_WRONG_SYNTAX;
- `X-Hub88-Signature` missing, malformed, or not the aggregator's signature of the raw
  bytes: HTTP 401, RS_ERROR_INVALID_SIGNATURE;
- a body that is not one JSON object within the bounded reader's limits: HTTP 400,
  RS_ERROR_WRONG_SYNTAX;
- a required field missing: HTTP 200, RS_ERROR_WRONG_SYNTAX; of the wrong type or out of
  its bounds: HTTP 200, RS_ERROR_WRONG_TYPES (logical errors travel with HTTP 200, as in
  the wallet calls);
- a launch of a game that is not listed or not enabled: HTTP 200, RS_ERROR_INVALID_GAME.

The signature is checked before the body is parsed: nothing unauthenticated is read.
"""

from __future__ import annotations

import dataclasses
import random
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, unquote

from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey, RSAPublicKey

from reelhouse.domain import json_bounded
from reelhouse.domain.limits import MAX_REQUEST_BODY_BYTES
from reelhouse.provider_kit.hub88_supplier.catalogue import DEMO_GAMES, Prepaid, SupplierGame
from reelhouse.provider_kit.hub88_supplier.client import SupplierWallet
from reelhouse.provider_kit.hub88_supplier.keys import (
    SIGNATURE_HEADER,
    sign_body,
    signature_holds,
)
from reelhouse.provider_kit.hub88_supplier.play_page import (
    GAME_PAGE_PREFIX,
    MAX_SPIN_FORM_BYTES,
    SPIN_SUFFIX,
    SpinResult,
    WinDraw,
    play_spin,
    render_page,
    spin_token,
    toy_win,
)
from reelhouse.provider_kit.hub88_supplier.wire import (
    DEMO_CURRENCY,
    GAME_LIST_PATH,
    GAME_URL_PATH,
    PLATFORMS,
    PREPAIDS_LIST_PATH,
    REWARD_CREATE_PATH,
    TOKEN_MAX_CHARS,
    TOKEN_MIN_CHARS,
    JsonDoc,
    Status,
    encode_body,
    x100000_to_minor,
)

_Headers = tuple[tuple[str, str], ...]
# Texts the supplier keeps (codes, users, ids): bounded so a request cannot grow its memory.
MAX_TEXT_CHARS = 255
# Requests, launches and rewards kept for assertions: a test or a demo makes far fewer;
# past this the oldest are dropped, so a long run cannot grow the supplier's memory.
MAX_RECORDED_REQUESTS = 10_000
MAX_LAUNCHED_TOKENS = 10_000
MAX_RECORDED_REWARDS = 10_000


@dataclass(frozen=True, slots=True)
class ReceivedRequest:
    """One request as it arrived, and the HTTP status it was answered with."""

    method: str
    path: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    signature_ok: bool
    http_status: int


@dataclass(frozen=True, slots=True)
class Launch:
    """A launched token: the aggregator asked for a game URL for this player."""

    token: str
    user: str
    currency: str
    game_code: str
    operator_id: int
    platform: str
    url: str


class _Refusal(Exception):
    def __init__(self, http_status: int, status: Status) -> None:
        super().__init__(status)
        self.http_status = http_status
        self.status = status


class SupplierGames:
    """The supplier's games server. `aggregator_key` verifies the aggregator's requests;
    `answer_key` (optional) signs the answers (the contract is silent on signed answers:
    an aggregator that does not check ignores the header). `wallet` (or `connect_wallet`
    later, once the aggregator's address is known) lets the game page play rounds
    (play_page.py); `win_draw` decides what its spins pay."""

    def __init__(
        self,
        aggregator_key: RSAPublicKey,
        *,
        games: Iterable[SupplierGame] = DEMO_GAMES,
        prepaids: Iterable[Prepaid] = (),
        answer_key: RSAPrivateKey | None = None,
        wallet: SupplierWallet | None = None,
        win_draw: WinDraw | None = None,
    ) -> None:
        self._aggregator_key = aggregator_key
        self._wallet = wallet
        self._win_draw = win_draw or toy_win(random.Random())
        self._answer_key = answer_key
        self._lock = threading.Lock()
        self._games: dict[str, SupplierGame] = {game.game_code: game for game in games}
        self._prepaids = list(prepaids)
        self._launched: dict[str, Launch] = {}
        self._rewards: list[JsonDoc] = []
        self._received: list[ReceivedRequest] = []
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- Lifecycle -------------------------------------------------------------------------

    def start(self) -> str:
        """Listen on 127.0.0.1 on a free port; returns the base URL."""
        assert self._server is None, "already started"
        server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        server.daemon_threads = True
        self._server = server
        # A short poll: `stop` waits for the loop to notice, and tests stop servers often.
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self.base_url

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        assert self._thread is not None
        self._thread.join()
        self._server = None

    def __enter__(self) -> SupplierGames:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        assert self._server is not None, "not started"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def connect_wallet(self, wallet: SupplierWallet) -> None:
        """The aggregator's wallet the game page plays against."""
        with self._lock:
            self._wallet = wallet

    # --- The catalogue, changed at run time --------------------------------------------------

    def games(self) -> list[SupplierGame]:
        with self._lock:
            return list(self._games.values())

    def set_games(self, games: Iterable[SupplierGame]) -> None:
        with self._lock:
            self._games = {game.game_code: game for game in games}

    def add_game(self, game: SupplierGame) -> None:
        with self._lock:
            assert game.game_code not in self._games, f"{game.game_code} is listed"
            self._games[game.game_code] = game

    def change_game(self, game_code: str, **changes: object) -> SupplierGame:
        """Change fields of a listed game (name, enabled, platforms...)."""
        with self._lock:
            changed = dataclasses.replace(self._games[game_code], **changes)  # type: ignore[arg-type]
            assert changed.game_code == game_code, "a game code is its identity"
            self._games[game_code] = changed
            return changed

    def withdraw_game(self, game_code: str) -> None:
        """The game leaves the list (as opposed to `enabled=False`, still listed)."""
        with self._lock:
            del self._games[game_code]

    def add_prepaid(self, prepaid: Prepaid) -> None:
        with self._lock:
            self._prepaids.append(prepaid)

    # --- What was asked ---------------------------------------------------------------------

    def received(self, path: str | None = None) -> list[ReceivedRequest]:
        with self._lock:
            return [r for r in self._received if path is None or r.path == path]

    def launched(self) -> dict[str, Launch]:
        with self._lock:
            return dict(self._launched)

    def is_launched(self, token: str) -> bool:
        with self._lock:
            return token in self._launched

    def rewards(self) -> list[JsonDoc]:
        with self._lock:
            return list(self._rewards)

    # --- The game page (called from the handler's threads) -----------------------------------

    def _page(self, game_code: str, token: str | None) -> str:
        """The page for a launch: with the balance the wallet reports for a launched token."""
        launch, wallet = self._launch_of(game_code, token)
        if launch is None:
            return render_page(game_code, None, None, None)
        balance = None
        if wallet is not None:
            reply = wallet.balance(launch.token, game_code, user=launch.user)
            if reply.ok and reply.balance is not None:
                balance = x100000_to_minor(reply.balance, launch.currency)
        return render_page(game_code, launch.token, launch.currency, balance)

    def _spin(self, game_code: str, token: str | None) -> tuple[int, str]:
        """(HTTP status, page) for a spin form: 404 unless the token was launched for this
        game and a wallet is connected; else one round played and the page with its result."""
        launch, wallet = self._launch_of(game_code, token)
        if launch is None or wallet is None:
            return 404, render_page(game_code, None, None, None)
        spin: SpinResult = play_spin(
            wallet, launch.token, launch.user, game_code, launch.currency, self._win_draw
        )
        return 200, render_page(game_code, launch.token, launch.currency, spin.balance_minor, spin)

    def _launch_of(
        self, game_code: str, token: str | None
    ) -> tuple[Launch | None, SupplierWallet | None]:
        with self._lock:
            launch = self._launched.get(token) if token is not None else None
            if launch is not None and launch.game_code != game_code:
                launch = None
            return launch, self._wallet

    # --- Answering (called from the handler's threads) ---------------------------------------

    def _record(self, request: ReceivedRequest) -> None:
        with self._lock:
            self._received.append(request)
            del self._received[:-MAX_RECORDED_REQUESTS]

    def _signed(self, body: bytes, header_value: str | None) -> bool:
        return signature_holds(body, header_value, self._aggregator_key)

    def _answer(self, path: str, signed: bool, body: bytes) -> tuple[int, JsonDoc | list[JsonDoc]]:
        """(HTTP status, JSON answer) for one POST, or a _Refusal raised."""
        if not signed:
            raise _Refusal(401, Status.INVALID_SIGNATURE)
        try:
            doc = json_bounded.loads(body, MAX_REQUEST_BODY_BYTES)
        except json_bounded.JsonError as exc:
            raise _Refusal(400, Status.WRONG_SYNTAX) from exc
        if not isinstance(doc, dict):
            raise _Refusal(400, Status.WRONG_SYNTAX)
        if path == GAME_URL_PATH:
            return 200, self._launch(doc)
        if path == GAME_LIST_PATH:
            _operator_id(doc)
            with self._lock:
                return 200, [game.wire() for game in self._games.values()]
        if path == PREPAIDS_LIST_PATH:
            _operator_id(doc)
            game_code = _optional_text(doc, "game_code")
            with self._lock:
                offers = [p for p in self._prepaids if game_code in (None, p.game_code)]
            return 200, [offer.wire() for offer in offers]
        assert path == REWARD_CREATE_PATH
        _operator_id(doc)
        reward_uuid = _text(doc, "reward_uuid")
        _text(doc, "prepaid_uuid")
        with self._lock:
            self._rewards.append(doc)
            del self._rewards[:-MAX_RECORDED_REWARDS]
        return 200, {"status": Status.OK.value, "reward_uuid": reward_uuid}

    def _launch(self, doc: JsonDoc) -> JsonDoc:
        operator_id = _operator_id(doc)
        game_code = _text(doc, "game_code")
        platform = _text(doc, "platform")
        currency = _text(doc, "currency")
        if platform not in PLATFORMS:
            raise _Refusal(200, Status.WRONG_TYPES)
        with self._lock:
            game = self._games.get(game_code)
        if game is None or not game.enabled:
            raise _Refusal(200, Status.INVALID_GAME)
        page = f"{self.base_url}{GAME_PAGE_PREFIX}{quote(game_code, safe='')}"
        if currency == DEMO_CURRENCY:
            return {"url": f"{page}?demo=1"}
        token = _text(doc, "token")
        if not TOKEN_MIN_CHARS <= len(token) <= TOKEN_MAX_CHARS:
            raise _Refusal(200, Status.WRONG_TYPES)
        url = f"{page}?token={quote(token, safe='')}"
        launch = Launch(token, _text(doc, "user"), currency, game_code, operator_id, platform, url)
        with self._lock:
            self._launched.pop(token, None)  # a token launched again is the newest
            self._launched[token] = launch
            while len(self._launched) > MAX_LAUNCHED_TOKENS:
                del self._launched[next(iter(self._launched))]
        return {"url": url}

    def _encoded(self, answer: JsonDoc | list[JsonDoc]) -> tuple[bytes, _Headers]:
        body = encode_body(answer)
        headers = [("Content-Type", "application/json")]
        if self._answer_key is not None:
            headers.append((SIGNATURE_HEADER, sign_body(body, self._answer_key)))
        return body, tuple(headers)


def _optional_text(doc: JsonDoc, key: str) -> str | None:
    value = doc.get(key)
    if value is not None and (not isinstance(value, str) or not 0 < len(value) <= MAX_TEXT_CHARS):
        raise _Refusal(200, Status.WRONG_TYPES)
    return value


def _text(doc: JsonDoc, key: str) -> str:
    value = _optional_text(doc, key)
    if value is None:
        raise _Refusal(200, Status.WRONG_SYNTAX)
    return value


def _operator_id(doc: JsonDoc) -> int:
    value = doc.get("operator_id")
    if value is None:
        raise _Refusal(200, Status.WRONG_SYNTAX)
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Refusal(200, Status.WRONG_TYPES)
    return value


_POST_PATHS = frozenset({GAME_URL_PATH, GAME_LIST_PATH, PREPAIDS_LIST_PATH, REWARD_CREATE_PATH})


def _handler_for(games: SupplierGames) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            # Tests read `received()`; a line per request on stderr would only be noise.
            return

        def do_GET(self) -> None:
            path, _, query = self.path.partition("?")
            if not path.startswith(GAME_PAGE_PREFIX):
                self._refuse(404, Status.WRONG_SYNTAX, b"", signed=False)
                return
            # The fake game page (play_page.py): the launch URL opens it.
            game_code = unquote(path[len(GAME_PAGE_PREFIX) :])
            page = games._page(game_code, _query_token(query))
            self._send(200, page.encode("utf-8"), b"", False, content_type=_HTML)

        def do_POST(self) -> None:
            path = self.path.split("?", 1)[0]
            if path.startswith(GAME_PAGE_PREFIX) and path.endswith(SPIN_SUFFIX):
                self._spin(path)
                return
            length_text = self.headers.get("Content-Length")
            if path not in _POST_PATHS or length_text is None or not length_text.isdigit():
                # The body is left unread: the connection cannot carry another request.
                self.close_connection = True
                code = 404 if path not in _POST_PATHS else 411
                self._refuse(code, Status.WRONG_SYNTAX, b"", signed=False)
                return
            if int(length_text) > MAX_REQUEST_BODY_BYTES:
                self.close_connection = True
                self._refuse(413, Status.WRONG_SYNTAX, b"", signed=False)
                return
            body = self.rfile.read(int(length_text))
            signed = games._signed(body, self.headers.get(SIGNATURE_HEADER))
            try:
                http_status, answer = games._answer(path, signed, body)
            except _Refusal as refusal:
                self._refuse(refusal.http_status, refusal.status, body, signed=signed)
                return
            encoded, answer_headers = games._encoded(answer)
            self._send(http_status, encoded, body, signed, extra=answer_headers)

        def _spin(self, path: str) -> None:
            """A form post from the game page: its body is one short token field."""
            length_text = self.headers.get("Content-Length") or ""
            if not length_text.isdigit() or int(length_text) > MAX_SPIN_FORM_BYTES:
                self.close_connection = True
                self._send(413, b"spin form too large", b"", False, content_type=_HTML)
                return
            body = self.rfile.read(int(length_text))
            game_code = unquote(path[len(GAME_PAGE_PREFIX) : -len(SPIN_SUFFIX)])
            status, page = games._spin(game_code, spin_token(body))
            self._send(status, page.encode("utf-8"), b"", False, content_type=_HTML)

        def _refuse(self, http_status: int, status: Status, body: bytes, *, signed: bool) -> None:
            encoded, answer_headers = games._encoded({"status": status.value})
            self._send(http_status, encoded, body, signed, extra=answer_headers)

        def _send(
            self,
            http_status: int,
            payload: bytes,
            request_body: bytes,
            signed: bool,
            *,
            content_type: str = "application/json",
            extra: _Headers = (),
        ) -> None:
            games._record(
                ReceivedRequest(
                    self.command,
                    self.path.split("?", 1)[0],
                    tuple(self.headers.items()),
                    request_body,
                    signed,
                    http_status,
                )
            )
            self.send_response(http_status)
            for name, value in extra:
                if name != "Content-Type":
                    self.send_header(name, value)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    return Handler


_HTML = "text/html; charset=utf-8"


def _query_token(query: str) -> str | None:
    """The launch URL's one `token`, or None (a demo launch, or a query that is not ours:
    too long, too many fields, the token twice)."""
    if len(query) > MAX_SPIN_FORM_BYTES:
        return None
    try:
        tokens = parse_qs(query, max_num_fields=4).get("token", [])
    except ValueError:
        return None
    return tokens[0] if len(tokens) == 1 else None
