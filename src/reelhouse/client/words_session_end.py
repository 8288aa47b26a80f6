"""The player's words for a game session the casino ended (domain/session_end.py), per
language: merged into the client's tables by client/i18n.py, so each table still has exactly
the English keys. Each says what happened to the bet (nothing was charged) and what to do."""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "err_3020": "The casino has ended this game session. Please return to the casino.",
        "err_3021": "You are self-excluded from playing: the bet was not placed and nothing "
        "was charged. Your game session has ended.",
        "err_3022": "You have reached a limit set at the casino (deposit, loss or time): the "
        "bet was not placed and nothing was charged. Your game session has ended.",
        "err_3023": "The casino does not allow your account to play at the moment: the bet "
        "was not placed and nothing was charged. Please contact the casino.",
    },
    "es": {
        "err_3020": "El casino ha cerrado esta sesión de juego. Vuelve al casino.",
        "err_3021": "Tienes activa la autoexclusión: la apuesta no se realizó y no se cobró "
        "nada. Tu sesión de juego ha terminado.",
        "err_3022": "Has alcanzado un límite fijado en el casino (depósito, pérdidas o "
        "tiempo): la apuesta no se realizó y no se cobró nada. Tu sesión de juego ha terminado.",
        "err_3023": "El casino no permite jugar a tu cuenta en este momento: la apuesta no se "
        "realizó y no se cobró nada. Ponte en contacto con el casino.",
    },
    "de": {
        "err_3020": "Das Casino hat diese Spielsitzung beendet. Bitte kehren Sie zum Casino "
        "zurück.",
        "err_3021": "Sie haben sich vom Spiel selbst ausgeschlossen: Der Einsatz wurde nicht "
        "gesetzt, nichts wurde abgebucht. Ihre Spielsitzung ist beendet.",
        "err_3022": "Sie haben ein beim Casino festgelegtes Limit erreicht (Einzahlung, "
        "Verlust oder Spielzeit): Der Einsatz wurde nicht gesetzt, nichts wurde abgebucht. "
        "Ihre Spielsitzung ist beendet.",
        "err_3023": "Das Casino lässt Ihr Konto derzeit nicht spielen: Der Einsatz wurde nicht "
        "gesetzt, nichts wurde abgebucht. Bitte wenden Sie sich an das Casino.",
    },
    "pt": {
        "err_3020": "O cassino encerrou esta sessão de jogo. Volte ao cassino.",
        "err_3021": "Você está autoexcluído do jogo: a aposta não foi feita e nada foi "
        "cobrado. Sua sessão de jogo terminou.",
        "err_3022": "Você atingiu um limite definido no cassino (depósito, perda ou tempo): a "
        "aposta não foi feita e nada foi cobrado. Sua sessão de jogo terminou.",
        "err_3023": "O cassino não permite que sua conta jogue no momento: a aposta não foi "
        "feita e nada foi cobrado. Entre em contato com o cassino.",
    },
    "fr": {
        "err_3020": "Le casino a mis fin à cette session de jeu. Veuillez revenir au casino.",
        "err_3021": "Vous êtes auto-exclu du jeu : la mise n'a pas été placée et rien n'a été "
        "débité. Votre session de jeu est terminée.",
        "err_3022": "Vous avez atteint une limite fixée auprès du casino (dépôt, pertes ou "
        "durée) : la mise n'a pas été placée et rien n'a été débité. Votre session de jeu est "
        "terminée.",
        "err_3023": "Le casino n'autorise pas votre compte à jouer pour le moment : la mise "
        "n'a pas été placée et rien n'a été débité. Veuillez contacter le casino.",
    },
}
