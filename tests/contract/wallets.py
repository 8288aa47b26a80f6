"""Minimal seamless wallets written from the public contracts alone, the way an operator
already integrated with SlotCity v4 or iGamingAce (flavour A or B) wrote theirs: plain JSON,
plain HMAC, balances kept in binary floating point. Nothing here imports Reelhouse's codecs,
dialects or operator kit; what each wallet checks is what its contract names, and nothing
more (the SlotCity wallet compares the Callback-Token and ignores Reelhouse's own signature
and timestamp headers; a cancel of a transaction it never saw answers "does not exist",
and a bet arriving after that is applied, as the contracts allow).

Options make them as loose as real ones: `noise` answers every balance one binary step off
(49.30000000000001), `extra_fields` adds fields the contracts do not list, `ids_as_text`
echoes the asked `trans_guid` of a SlotCity `status` as text (B's own transaction ids are
always text). Failure knobs for the gate's tests:
`forget_ids` (a repeated id is applied again: a contract breach) and `accept_sub_units`
(on by default: an amount finer than the currency is applied as the float it parses to, so
the test account can be left holding 979.985).

Each wallet is a Starlette app, served over real HTTP in a thread by the tests.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import math
import threading
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

DIALECTS = ("slotcity-v4", "igamingace-a", "igamingace-b")
# Where each wallet listens, under its server's base URL (B: the callback base URL).
PATHS = {"slotcity-v4": "/sc/callback", "igamingace-a": "/a/callback", "igamingace-b": "/b"}
EXTRA_FIELDS = {"serverTime": 1767225600000, "wallet_version": "2.4.1", "promo": None}


@dataclass
class Looseness:
    noise: bool = False
    extra_fields: bool = False
    ids_as_text: bool = True
    forget_ids: bool = False
    accept_sub_units: bool = True


@dataclass
class Keys:
    """The credentials the operator copied from Reelhouse's back office."""

    callback_token: str = ""  # SlotCity: compared for equality
    api_token: str = ""  # flavour A: the HMAC-SHA512 key
    secret_key: str = ""  # flavour B: the HMAC-SHA256 key
    agent_id: str = ""  # flavour B: our agentID


@dataclass
class Txn:
    account: str
    delta: float  # what the transaction did to the balance
    cancelled: bool = False


@dataclass
class Books:
    """Players' balances as doubles and every transaction id seen."""

    balances: dict[str, float] = field(default_factory=dict)
    currencies: dict[str, str] = field(default_factory=dict)
    txns: dict[str, Txn] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def open(self, account: str, currency: str, balance: float) -> None:
        self.balances[account] = balance
        self.currencies[account] = currency


class ContractWallet:
    dialect = ""

    def __init__(self, looseness: Looseness | None = None) -> None:
        self.loose = looseness or Looseness()
        self.keys = Keys()
        self.books = Books()
        self.requests: list[dict[str, Any]] = []  # every authenticated body, parsed
        self.answers: list[str] = []  # every answer written

    def open(self, account: str, currency: str, balance: float) -> None:
        self.books.open(account, currency, balance)

    def balance(self, account: str) -> float:
        return self.books.balances[account]

    def shown(self, balance: float) -> float:
        """A balance as the wallet writes it: the double as it is, or off the cent grid by
        a step or two (a zero stays zero: the noise of arithmetic is relative to the value).
        One step up from a sum that fell just below a cent (96.19999999999999) lands on it
        exactly, so the step is taken again there: noise must never look like a clean cent."""
        if not (self.loose.noise and balance):
            return balance
        noisy = math.nextafter(balance, math.inf)
        while round(noisy, 2) == noisy:
            noisy = math.nextafter(noisy, math.inf)
        return noisy

    def extra(self, answer: dict[str, Any]) -> dict[str, Any]:
        return {**answer, **EXTRA_FIELDS} if self.loose.extra_fields else answer

    def seen(self, trans_id: str) -> bool:
        return not self.loose.forget_ids and trans_id in self.books.txns

    def too_fine(self, amount: float) -> bool:
        return not self.loose.accept_sub_units and round(amount, 2) != amount

    def handle(self, path: str, headers: dict[str, str], body: bytes) -> dict[str, Any]:
        raise NotImplementedError

    def app(self) -> Starlette:
        async def endpoint(request: Request) -> Response:
            body = await request.body()
            headers = {k.lower(): v for k, v in request.headers.items()}
            with self.books.lock:
                answer = json.dumps(self.handle(request.url.path, headers, body))
                self.answers.append(answer)
            return Response(answer, media_type="application/json")

        path = PATHS[self.dialect]
        route = path + "/{operation}" if self.dialect == "igamingace-b" else path
        return Starlette(routes=[Route(route, endpoint, methods=["POST"])])


def _ids(value: Any) -> str:
    """An id as text, whether it came as a JSON number or a string."""
    return str(value)


# --- SlotCity v4 -------------------------------------------------------------------------


class SlotCityWallet(ContractWallet):
    """Runs the validations named in `check`, in order; answers the first that fails."""

    dialect = "slotcity-v4"

    def handle(self, path: str, headers: dict[str, str], body: bytes) -> dict[str, Any]:
        if headers.get("callback-token") != self.keys.callback_token:
            return {"result": 100, "status": "ERROR"}
        doc = json.loads(body)
        self.requests.append(doc)
        command, data = doc["command"], doc["data"]
        account = data.get("account")
        for code in str(doc.get("check", "")).split(","):
            failed = self._check(int(code), data) if code.strip() else None
            if failed is not None:
                return failed
        balances = self.books.balances
        if command == "authenticate":
            return self._ok({"account": account, "balance": self.shown(balances[account])})
        if command == "balance":
            return self._ok({"balance": self.shown(balances[account])})
        if command == "status":
            txn = self.books.txns[_ids(data["trans_guid"])]
            trans_guid = _ids(data["trans_guid"]) if self.loose.ids_as_text else data["trans_guid"]
            state = "CANCELED" if txn.cancelled else "OK"
            return self._ok({"account": account, "trans_guid": trans_guid, "trans_status": state})
        amount = float(data["amount"])
        if self.too_fine(amount):
            return {"result": 99, "status": "ERROR"}
        delta = {"bet": -amount, "win": amount}.get(command)
        if command == "cancel":
            target = self.books.txns[_ids(data["cancel_trans_guid"])]
            delta = 0.0 if target.cancelled else -target.delta
            target.cancelled = True
        assert delta is not None, command
        balances[account] += delta
        self.books.txns[_ids(data["trans_guid"])] = Txn(account, delta)
        return self._ok({"balance": self.shown(balances[account])})

    def _ok(self, data: dict[str, Any]) -> dict[str, Any]:
        return self.extra({"result": 0, "status": "OK", "data": self.extra(data)})

    def _check(self, code: int, data: dict[str, Any]) -> dict[str, Any] | None:
        account = data.get("account")
        balances = self.books.balances
        if code in (21, 22):  # the player exists; every player here is active
            return None if account in balances else {"result": code, "status": "ERROR"}
        passed = {
            31: lambda: balances[account] >= float(data["amount"]),
            41: lambda: not self.seen(_ids(data["trans_guid"])),
            42: lambda: _ids(data["trans_guid"]) in self.books.txns,
            43: lambda: _ids(data["cancel_trans_guid"]) in self.books.txns,
        }[code]()
        if passed:
            return None
        return {
            "result": code,
            "status": "ERROR",
            "data": {"balance": self.shown(balances[account])},
        }


# --- iGamingAce flavour A ------------------------------------------------------------------


def js_text(value: Any) -> str:
    """A value as JavaScript's String() writes it: how flavour A's signature reads values."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value).removesuffix(".0")
    return str(value)


class FlavourAWallet(ContractWallet):
    dialect = "igamingace-a"

    def signature(self, doc: dict[str, Any]) -> str:
        message = ",".join(js_text(doc[key]) for key in sorted(doc))
        digest = hmac.new(self.keys.api_token.encode(), message.encode(), hashlib.sha512)
        return base64.b64encode(digest.digest()).decode()

    def handle(self, path: str, headers: dict[str, str], body: bytes) -> dict[str, Any]:
        doc = json.loads(body)
        given = headers.get("x-request-signature", "")
        if not hmac.compare_digest(given, self.signature(doc)):
            return self._answer(0.0, "ERR_INTEGRITY_CHECK_FAILED")
        self.requests.append(doc)
        account = doc.get("playerId")
        if account not in self.books.balances:
            return self._answer(0.0, "ERR_INVALID_PLAYER_ID")
        if doc.get("currency", self.books.currencies[account]) != self.books.currencies[account]:
            return self._answer(0.0, "ERR_INVALID_ACCOUNT")
        command = doc["command"]
        if command == "balance":
            return self._answer(self.balance(account), "OK")
        trans_id = _ids(doc["transactionId"])
        if self.seen(trans_id):  # registered once; OK with the current balance
            return self._answer(self.balance(account), "OK")
        if command == "cancel":
            return self._cancel(account, trans_id, _ids(doc["referenceId"]))
        if command == "betwin":
            bet, win = float(doc["betAmount"]), float(doc["winAmount"])
        else:
            bet, win = (
                (float(doc["amount"]), 0.0) if command == "bet" else (0.0, float(doc["amount"]))
            )
        if self.too_fine(bet) or self.too_fine(win):
            return self._answer(self.balance(account), "ERR_UNKNOWN")
        if bet > self.balance(account):
            return self._answer(self.balance(account), "ERR_NOT_ENOUGH_MONEY")
        self.books.balances[account] += win - bet
        self.books.txns[trans_id] = Txn(account, win - bet)
        return self._answer(self.balance(account), "OK")

    def _cancel(self, account: str, trans_id: str, reference: str) -> dict[str, Any]:
        target = self.books.txns.get(reference)
        if target is None:
            return self._answer(self.balance(account), "ERR_TRANSACTION_DOES_NOT_EXIST")
        if target.cancelled:
            return self._answer(self.balance(account), "ERR_TRANSACTION_ROLLED_BACK")
        target.cancelled = True
        self.books.balances[account] -= target.delta
        self.books.txns[trans_id] = Txn(account, -target.delta)
        return self._answer(self.balance(account), "OK")

    def _answer(self, balance: float, status: str) -> dict[str, Any]:
        return self.extra({"balance": self.shown(balance), "statusCode": status})


# --- iGamingAce flavour B ------------------------------------------------------------------

SIGNED_FIELDS = {
    "GetBalance": ("agentID", "userID"),
    "Withdraw": ("agentID", "userID", "amount", "transactionID", "roundID"),
    "Deposit": ("agentID", "userID", "amount", "transactionID", "roundID"),
    "BetWin": ("agentID", "userID", "betAmount", "winAmount", "transactionID", "roundID"),
    "RollbackTransaction": ("agentID", "userID", "refTransactionID"),
}
AMOUNT_FIELDS = frozenset({"amount", "betAmount", "winAmount"})


def b_sign(key: str, operation: str, doc: dict[str, Any]) -> str:
    """Uppercase hex HMAC-SHA256 of the listed fields' values, amounts with 2 decimals."""
    parts = [
        f"{float(doc[name]):.2f}" if name in AMOUNT_FIELDS else str(doc[name])
        for name in SIGNED_FIELDS[operation]
    ]
    return hmac.new(key.encode(), "".join(parts).encode(), hashlib.sha256).hexdigest().upper()


class FlavourBWallet(ContractWallet):
    dialect = "igamingace-b"

    def handle(self, path: str, headers: dict[str, str], body: bytes) -> dict[str, Any]:
        operation = path.rstrip("/").rsplit("/", 1)[-1]
        if operation not in SIGNED_FIELDS:
            return {"code": 2, "message": "unknown operation"}
        doc = json.loads(body)
        if doc.get("agentID") != self.keys.agent_id:
            return {"code": 4, "message": "invalid agent"}
        if not hmac.compare_digest(
            str(doc.get("sign", "")), b_sign(self.keys.secret_key, operation, doc)
        ):
            return {"code": 3, "message": "invalid sign"}
        self.requests.append(doc)
        account = doc["userID"]
        if account not in self.books.balances:
            return {"code": 5, "message": "user not found"}
        if operation == "GetBalance":
            return self._answer(0, account)
        if operation == "RollbackTransaction":
            return self._rollback(account, _ids(doc["refTransactionID"]))
        trans_id = _ids(doc["transactionID"])
        if self.seen(trans_id):
            return self._answer(11, account, trans_id)
        if operation == "BetWin":
            bet, win = float(doc["betAmount"]), float(doc["winAmount"])
        else:
            amount = float(doc["amount"])
            bet, win = (amount, 0.0) if operation == "Withdraw" else (0.0, amount)
        if self.too_fine(bet) or self.too_fine(win):
            return {"code": 2, "message": "wrong input parameters"}
        if bet > self.balance(account):
            return self._answer(6, account)
        self.books.balances[account] += win - bet
        self.books.txns[trans_id] = Txn(account, win - bet)
        return self._answer(0, account, trans_id)

    def _rollback(self, account: str, reference: str) -> dict[str, Any]:
        target = self.books.txns.get(reference)
        if target is None:
            return self._answer(8, account)
        if target.cancelled:
            return self._answer(9, account)
        target.cancelled = True
        self.books.balances[account] -= target.delta
        return self._answer(0, account)

    def _answer(self, code: int, account: str, trans_id: str | None = None) -> dict[str, Any]:
        answer: dict[str, Any] = {"code": code, "message": "Success" if code == 0 else "error"}
        answer["balance"] = self.shown(self.balance(account))
        if trans_id is not None:
            answer["platformTransactionID"] = f"w-{trans_id}"  # our own id, as text
        return self.extra(answer)


WALLETS: dict[str, type[ContractWallet]] = {
    "slotcity-v4": SlotCityWallet,
    "igamingace-a": FlavourAWallet,
    "igamingace-b": FlavourBWallet,
}
