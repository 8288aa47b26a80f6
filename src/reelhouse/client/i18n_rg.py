"""The game client's words for the reality check and the session limits, per language
(merged into each table of client/i18n.py, whose test holds every table to the same keys
and placeholders). `{time}` is the time played as h:mm:ss, `{net}` an amount with its
currency, `{rounds}` a count, `{minutes}` the compulsory break's length."""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "reality_title": "Reality check",
        "reality_body": "You have played for {time} in this session ({rounds} rounds). "
        "Net position: {net}.",
        "reality_continue": "Continue playing",
        "reality_stop": "Stop playing",
        "reality_history": "Game history",
        "session_ended": "This session has ended. Thank you for playing.",
        "err_3016": "A reality check is waiting for your answer.",
        "err_3017": "Your session time limit has been reached: this session is over.",
        "err_3018": "This stake could take your losses past this session's loss limit. "
        "Choose a lower stake, or stop playing.",
        "err_3019": "There is no reality check to answer.",
        "err_3024": "A compulsory break follows the reality check: play resumes when it ends.",
        "break_title": "Compulsory break",
        "break_body": "After the reality check, your jurisdiction requires a break of {minutes} "
        "minutes. Play resumes when it ends.",
        "break_left": "Play resumes in",
    },
    "es": {
        "reality_title": "Control de realidad",
        "reality_body": "Llevas {time} jugando en esta sesión ({rounds} tiradas). "
        "Resultado neto: {net}.",
        "reality_continue": "Seguir jugando",
        "reality_stop": "Dejar de jugar",
        "reality_history": "Historial de juego",
        "session_ended": "Esta sesión ha terminado. Gracias por jugar.",
        "err_3016": "Un control de realidad espera tu respuesta.",
        "err_3017": "Has alcanzado el límite de tiempo de la sesión: la sesión ha terminado.",
        "err_3018": "Esta apuesta podría llevar tus pérdidas más allá del límite de la sesión. "
        "Elige una apuesta menor o deja de jugar.",
        "err_3019": "No hay ningún control de realidad que responder.",
        "err_3024": "Tras el control de realidad hay una pausa obligatoria: el juego se reanuda "
        "cuando termine.",
        "break_title": "Pausa obligatoria",
        "break_body": "Tras el control de realidad, tu jurisdicción exige una pausa de {minutes} "
        "minutos. El juego se reanuda cuando termine.",
        "break_left": "El juego se reanuda en",
    },
    "de": {
        "reality_title": "Realitätscheck",
        "reality_body": "Sie spielen seit {time} in dieser Sitzung ({rounds} Runden). "
        "Gewinn/Verlust: {net}.",
        "reality_continue": "Weiterspielen",
        "reality_stop": "Spiel beenden",
        "reality_history": "Spielverlauf",
        "session_ended": "Diese Sitzung ist beendet. Danke fürs Spielen.",
        "err_3016": "Ein Realitätscheck wartet auf Ihre Antwort.",
        "err_3017": "Das Zeitlimit Ihrer Sitzung ist erreicht: Die Sitzung ist beendet.",
        "err_3018": "Dieser Einsatz könnte Ihre Verluste über das Verlustlimit der Sitzung "
        "bringen. Wählen Sie einen kleineren Einsatz oder beenden Sie das Spiel.",
        "err_3019": "Es gibt keinen Realitätscheck zu beantworten.",
        "err_3024": "Nach dem Realitätscheck gilt eine Pflichtpause: Das Spiel geht weiter, "
        "wenn sie endet.",
        "break_title": "Pflichtpause",
        "break_body": "Nach dem Realitätscheck schreibt Ihre Rechtsordnung eine Pause von "
        "{minutes} Minuten vor. Das Spiel geht weiter, wenn sie endet.",
        "break_left": "Weiter in",
    },
    "pt": {
        "reality_title": "Verificação de realidade",
        "reality_body": "Você está jogando há {time} nesta sessão ({rounds} rodadas). "
        "Resultado líquido: {net}.",
        "reality_continue": "Continuar jogando",
        "reality_stop": "Parar de jogar",
        "reality_history": "Histórico de jogo",
        "session_ended": "Esta sessão terminou. Obrigado por jogar.",
        "err_3016": "Uma verificação de realidade aguarda sua resposta.",
        "err_3017": "O limite de tempo da sessão foi atingido: a sessão terminou.",
        "err_3018": "Esta aposta pode levar suas perdas além do limite da sessão. "
        "Escolha uma aposta menor ou pare de jogar.",
        "err_3019": "Não há verificação de realidade para responder.",
        "err_3024": "Após a verificação de realidade há uma pausa obrigatória: o jogo continua "
        "quando ela terminar.",
        "break_title": "Pausa obrigatória",
        "break_body": "Após a verificação de realidade, sua jurisdição exige uma pausa de "
        "{minutes} minutos. O jogo continua quando ela terminar.",
        "break_left": "O jogo continua em",
    },
    "fr": {
        "reality_title": "Rappel de jeu",
        "reality_body": "Vous jouez depuis {time} dans cette session ({rounds} tours). "
        "Résultat net : {net}.",
        "reality_continue": "Continuer à jouer",
        "reality_stop": "Arrêter de jouer",
        "reality_history": "Historique de jeu",
        "session_ended": "Cette session est terminée. Merci d'avoir joué.",
        "err_3016": "Un rappel de jeu attend votre réponse.",
        "err_3017": "La limite de temps de votre session est atteinte : la session est terminée.",
        "err_3018": "Cette mise pourrait porter vos pertes au-delà de la limite de la session. "
        "Choisissez une mise plus basse, ou arrêtez de jouer.",
        "err_3019": "Il n'y a pas de rappel de jeu auquel répondre.",
        "err_3024": "Une pause obligatoire suit le rappel de jeu : le jeu reprend à la fin de "
        "la pause.",
        "break_title": "Pause obligatoire",
        "break_body": "Après le rappel de jeu, votre juridiction impose une pause de {minutes} "
        "minutes. Le jeu reprend à la fin de la pause.",
        "break_left": "Reprise du jeu dans",
    },
}
