"""The game client's words, per language. The launch's `lang` picks one; a language without
its own table plays in English (the Main API accepts more codes than are translated here).

Placeholders are `{name}`, filled in by the client; every table has exactly the English keys
(a test checks it), so a missing word is caught before a player sees a key name.
"""

from __future__ import annotations

EN: dict[str, str] = {
    "balance": "Balance",
    "bet": "Bet",
    "win": "Win",
    "last_win": "Last win",
    "spin": "Spin",
    "turbo": "Turbo",
    "sound": "Sound",
    "help": "Paytable",
    "close": "Close",
    "exit": "Exit game",
    "demo": "Demo: fun money",
    "bet_down": "Lower bet",
    "bet_up": "Higher bet",
    "free_spins": "Free spins",
    "free_spin_of": "Free spin {n} of {total}",
    "free_spins_won": "{n} free spins!",
    "total_win": "Total win {amount}",
    "free_rounds_offer": "{n} free rounds at {bet}",
    "free_rounds_done": "Free rounds finished. Last win: {amount}",
    "last_round": "Your last round",
    "last_round_not_played": "Your last round was not played: the casino did not take the bet",
    "settling": "Your previous round is being settled…",
    "big_win": "Big win!",
    "err_2006": "Insufficient funds: your bet was not placed and nothing was charged.",
    "err_3001": "Your game session has ended. Please reopen the game from the casino.",
    "err_1": "This game is under maintenance. Please try again later.",
    "err_3002": "Your previous round is still being settled. Please wait a moment.",
    "err_3003": "The casino did not confirm your bet. It is being cancelled and refunded.",
    "err_3005": "The casino's wallet is unavailable. Your bet was not placed and nothing was "
    "charged; please try again later.",
    "err_3006": "The game is very busy. The spin was not played and nothing was charged; "
    "please try again in a few seconds.",
    "err_1012": "That bet is not allowed.",
    "err_generic": "Something went wrong ({code}). No money was taken.",
    "err_network": "Connection lost. Checking your balance…",
    "balance_stale": "Balance last reported by the casino",
    "rules": "Rules",
    "pays": "Pays (at the current bet)",
    "kind_of": "{k} of a kind",
    "lines_rule": "{n} lines pay left to right on adjacent reels.",
    "ways_rule": "{n} ways: a symbol pays on adjacent reels from the left, in any row.",
    "wild_rule": "{name} is wild and stands for every regular symbol.",
    "cluster_rule": "Clusters of {k} or more touching symbols (across or down) pay, then vanish: "
    "the symbols above fall, new ones drop in and the grid pays again (at most {n} refills).",
    "cascade_multipliers": "The grids of a cascade pay {m} in turn (the last for every later "
    "grid).",
    "expanding_rule": "{name} expands to fill its whole reel whenever it lands.",
    "wild_multiplier": "{name} multiplies the wins it takes part in by {m}.",
    "scatter_rule": "{name} pays anywhere on the reels.",
    "feature_rule": "{k} or more {name} award free spins: {awards}.",
    "feature_multiplier": "Every free-spin win is multiplied by {m}.",
    "feature_retrigger": "More free spins can be won during free spins (at most {n}).",
    "max_win": "Maximum win: {x} times the bet per round.",
    "rtp": "Return to player (RTP) of this game: {rtp} %.",
    "volatility": "Volatility: {v}.",
    "lines_title": "Lines",
    "line_n": "Line {n}",
    "malfunction": "A malfunction voids all pays and plays.",
    "session_time": "Session time",
    "net_position": "Net position",
    "rtp_short": "RTP",
    "reality_check": "Reality check: you have played for {minutes} minutes. Net position: {net}.",
    "err_3011": "That stake is above the limit allowed in your jurisdiction.",
    "err_3012": "Please wait a moment between spins: the rules of your jurisdiction require it.",
}

ES: dict[str, str] = {
    "balance": "Saldo",
    "bet": "Apuesta",
    "win": "Premio",
    "last_win": "Último premio",
    "spin": "Girar",
    "turbo": "Turbo",
    "sound": "Sonido",
    "help": "Tabla de pagos",
    "close": "Cerrar",
    "exit": "Salir del juego",
    "demo": "Demo: dinero ficticio",
    "bet_down": "Bajar apuesta",
    "bet_up": "Subir apuesta",
    "free_spins": "Giros gratis",
    "free_spin_of": "Giro gratis {n} de {total}",
    "free_spins_won": "¡{n} giros gratis!",
    "total_win": "Premio total {amount}",
    "free_rounds_offer": "{n} rondas gratis de {bet}",
    "free_rounds_done": "Rondas gratis terminadas. Último premio: {amount}",
    "last_round": "Tu última ronda",
    "last_round_not_played": "Tu última ronda no se jugó: el casino no aceptó la apuesta",
    "settling": "Tu ronda anterior se está liquidando…",
    "big_win": "¡Gran premio!",
    "err_2006": "Saldo insuficiente: la apuesta no se realizó y no se cobró nada.",
    "err_3001": "Tu sesión de juego ha terminado. Vuelve a abrir el juego desde el casino.",
    "err_1": "Este juego está en mantenimiento. Inténtalo más tarde.",
    "err_3002": "Tu ronda anterior aún se está liquidando. Espera un momento.",
    "err_3003": "El casino no confirmó tu apuesta. Se está cancelando y reembolsando.",
    "err_3005": "La cartera del casino no está disponible. La apuesta no se realizó y no se "
    "cobró nada; inténtalo más tarde.",
    "err_3006": "El juego está muy ocupado. La tirada no se jugó y no se cobró nada; "
    "inténtalo de nuevo en unos segundos.",
    "err_1012": "Esa apuesta no está permitida.",
    "err_generic": "Algo salió mal ({code}). No se cobró nada.",
    "err_network": "Conexión perdida. Comprobando tu saldo…",
    "balance_stale": "Último saldo informado por el casino",
    "rules": "Reglas",
    "pays": "Pagos (con la apuesta actual)",
    "kind_of": "{k} iguales",
    "lines_rule": "{n} líneas pagan de izquierda a derecha en rodillos contiguos.",
    "ways_rule": "{n} formas: un símbolo paga en rodillos contiguos desde la izquierda, en "
    "cualquier fila.",
    "wild_rule": "{name} es comodín y sustituye a todos los símbolos normales.",
    "cluster_rule": "Los grupos de {k} o más símbolos iguales que se tocan (en horizontal o "
    "vertical) pagan y desaparecen: los de arriba caen, entran nuevos y se paga otra vez (como "
    "mucho {n} veces).",
    "cascade_multipliers": "Las rejillas sucesivas de una cascada pagan {m} (el último para las "
    "siguientes).",
    "expanding_rule": "{name} se expande y llena todo su rodillo cada vez que aparece.",
    "wild_multiplier": "{name} multiplica por {m} los premios en los que participa.",
    "scatter_rule": "{name} paga en cualquier posición de los rodillos.",
    "feature_rule": "{k} o más {name} otorgan giros gratis: {awards}.",
    "feature_multiplier": "Cada premio de los giros gratis se multiplica por {m}.",
    "feature_retrigger": "Se pueden ganar más giros gratis durante los giros gratis "
    "(como máximo {n}).",
    "max_win": "Premio máximo: {x} veces la apuesta por ronda.",
    "rtp": "Retorno al jugador (RTP) de este juego: {rtp} %.",
    "volatility": "Volatilidad: {v}.",
    "lines_title": "Líneas",
    "line_n": "Línea {n}",
    "malfunction": "Un fallo de funcionamiento anula todos los pagos y jugadas.",
    "session_time": "Tiempo de sesión",
    "net_position": "Resultado neto",
    "rtp_short": "RTP",
    "reality_check": "Control de realidad: llevas {minutes} minutos jugando. Resultado neto: "
    "{net}.",
    "err_3011": "Esa apuesta supera el límite permitido en tu jurisdicción.",
    "err_3012": "Espera un momento entre tiradas: lo exigen las normas de tu jurisdicción.",
}

DE: dict[str, str] = {
    "balance": "Guthaben",
    "bet": "Einsatz",
    "win": "Gewinn",
    "last_win": "Letzter Gewinn",
    "spin": "Drehen",
    "turbo": "Turbo",
    "sound": "Ton",
    "help": "Gewinntabelle",
    "close": "Schließen",
    "exit": "Spiel verlassen",
    "demo": "Demo: Spielgeld",
    "bet_down": "Einsatz senken",
    "bet_up": "Einsatz erhöhen",
    "free_spins": "Freispiele",
    "free_spin_of": "Freispiel {n} von {total}",
    "free_spins_won": "{n} Freispiele!",
    "total_win": "Gesamtgewinn {amount}",
    "free_rounds_offer": "{n} Freirunden zu {bet}",
    "free_rounds_done": "Freirunden beendet. Letzter Gewinn: {amount}",
    "last_round": "Ihre letzte Runde",
    "last_round_not_played": (
        "Ihre letzte Runde wurde nicht gespielt: das Casino hat den Einsatz nicht angenommen"
    ),
    "settling": "Ihre vorherige Runde wird noch abgerechnet…",
    "big_win": "Großer Gewinn!",
    "err_2006": "Guthaben reicht nicht aus: Der Einsatz wurde nicht gesetzt, nichts wurde "
    "abgebucht.",
    "err_3001": "Ihre Spielsitzung ist beendet. Bitte öffnen Sie das Spiel erneut im Casino.",
    "err_1": "Dieses Spiel wird gerade gewartet. Bitte versuchen Sie es später erneut.",
    "err_3002": "Ihre vorherige Runde wird noch abgerechnet. Bitte warten Sie einen Moment.",
    "err_3003": "Das Casino hat Ihren Einsatz nicht bestätigt. Er wird storniert und erstattet.",
    "err_3005": "Die Geldbörse des Casinos ist nicht erreichbar. Der Einsatz wurde nicht "
    "gesetzt, nichts wurde abgebucht; bitte versuchen Sie es später erneut.",
    "err_3006": "Das Spiel ist gerade stark ausgelastet. Die Runde wurde nicht gespielt, "
    "nichts wurde abgebucht; bitte versuchen Sie es in ein paar Sekunden erneut.",
    "err_1012": "Dieser Einsatz ist nicht erlaubt.",
    "err_generic": "Etwas ist schiefgegangen ({code}). Es wurde nichts abgebucht.",
    "err_network": "Verbindung unterbrochen. Guthaben wird geprüft…",
    "balance_stale": "Zuletzt vom Casino gemeldetes Guthaben",
    "rules": "Regeln",
    "pays": "Gewinne (beim aktuellen Einsatz)",
    "kind_of": "{k} gleiche",
    "lines_rule": "{n} Linien zahlen von links nach rechts auf benachbarten Walzen.",
    "ways_rule": "{n} Wege: Ein Symbol zahlt auf benachbarten Walzen von links, in jeder Reihe.",
    "wild_rule": "{name} ist Wild und ersetzt alle normalen Symbole.",
    "cluster_rule": "Gruppen von {k} oder mehr sich berührenden Symbolen (waagrecht oder "
    "senkrecht) zahlen und verschwinden: Die Symbole darüber fallen, neue rücken nach und es wird "
    "erneut gezahlt (höchstens {n} Mal).",
    "cascade_multipliers": "Die Raster einer Kaskade zahlen der Reihe nach {m} (der letzte gilt "
    "für alle weiteren).",
    "expanding_rule": "{name} dehnt sich bei jeder Landung über die ganze Walze aus.",
    "wild_multiplier": "{name} multipliziert die Gewinne, an denen es beteiligt ist, mit {m}.",
    "scatter_rule": "{name} zahlt überall auf den Walzen.",
    "feature_rule": "{k} oder mehr {name} bringen Freispiele: {awards}.",
    "feature_multiplier": "Jeder Gewinn in den Freispielen wird mit {m} multipliziert.",
    "feature_retrigger": "In den Freispielen können weitere Freispiele gewonnen werden "
    "(höchstens {n}).",
    "max_win": "Höchstgewinn: das {x}-fache des Einsatzes pro Runde.",
    "rtp": "Auszahlungsquote (RTP) dieses Spiels: {rtp} %.",
    "volatility": "Volatilität: {v}.",
    "lines_title": "Linien",
    "line_n": "Linie {n}",
    "malfunction": "Eine Fehlfunktion macht alle Gewinne und Spiele ungültig.",
    "session_time": "Spielzeit",
    "net_position": "Gewinn/Verlust",
    "rtp_short": "RTP",
    "reality_check": "Hinweis: Sie spielen seit {minutes} Minuten. Gewinn/Verlust: {net}.",
    "err_3011": "Dieser Einsatz liegt über der in Ihrer Rechtsordnung erlaubten Grenze.",
    "err_3012": "Bitte warten Sie kurz zwischen den Runden: Die Regeln Ihrer Rechtsordnung "
    "verlangen es.",
}

PT: dict[str, str] = {
    "balance": "Saldo",
    "bet": "Aposta",
    "win": "Ganho",
    "last_win": "Último ganho",
    "spin": "Girar",
    "turbo": "Turbo",
    "sound": "Som",
    "help": "Tabela de pagamentos",
    "close": "Fechar",
    "exit": "Sair do jogo",
    "demo": "Demo: dinheiro fictício",
    "bet_down": "Diminuir aposta",
    "bet_up": "Aumentar aposta",
    "free_spins": "Rodadas grátis",
    "free_spin_of": "Rodada grátis {n} de {total}",
    "free_spins_won": "{n} rodadas grátis!",
    "total_win": "Ganho total {amount}",
    "free_rounds_offer": "{n} rodadas bônus de {bet}",
    "free_rounds_done": "Rodadas bônus terminadas. Último ganho: {amount}",
    "last_round": "Sua última rodada",
    "last_round_not_played": "Sua última rodada não foi jogada: o cassino não aceitou a aposta",
    "settling": "Sua rodada anterior está sendo liquidada…",
    "big_win": "Grande ganho!",
    "err_2006": "Saldo insuficiente: a aposta não foi feita e nada foi cobrado.",
    "err_3001": "Sua sessão de jogo terminou. Abra o jogo novamente pelo cassino.",
    "err_1": "Este jogo está em manutenção. Tente novamente mais tarde.",
    "err_3002": "Sua rodada anterior ainda está sendo liquidada. Aguarde um momento.",
    "err_3003": "O cassino não confirmou sua aposta. Ela está sendo cancelada e reembolsada.",
    "err_3005": "A carteira do cassino está indisponível. A aposta não foi feita e nada foi "
    "cobrado; tente novamente mais tarde.",
    "err_3006": "O jogo está muito ocupado. A rodada não foi jogada e nada foi cobrado; "
    "tente novamente em alguns segundos.",
    "err_1012": "Essa aposta não é permitida.",
    "err_generic": "Algo deu errado ({code}). Nada foi cobrado.",
    "err_network": "Conexão perdida. Verificando seu saldo…",
    "balance_stale": "Último saldo informado pelo cassino",
    "rules": "Regras",
    "pays": "Pagamentos (com a aposta atual)",
    "kind_of": "{k} iguais",
    "lines_rule": "{n} linhas pagam da esquerda para a direita em rolos adjacentes.",
    "ways_rule": "{n} formas: um símbolo paga em rolos adjacentes a partir da esquerda, em "
    "qualquer linha.",
    "wild_rule": "{name} é curinga e substitui todos os símbolos normais.",
    "cluster_rule": "Grupos de {k} ou mais símbolos iguais que se tocam (na horizontal ou na "
    "vertical) pagam e desaparecem: os de cima caem, entram novos e paga-se de novo (no máximo "
    "{n} vezes).",
    "cascade_multipliers": "As grelhas sucessivas de uma cascata pagam {m} (o último vale para "
    "as seguintes).",
    "expanding_rule": "{name} expande-se e preenche todo o rolo sempre que aparece.",
    "wild_multiplier": "{name} multiplica por {m} os ganhos de que participa.",
    "scatter_rule": "{name} paga em qualquer posição dos rolos.",
    "feature_rule": "{k} ou mais {name} concedem rodadas grátis: {awards}.",
    "feature_multiplier": "Cada ganho nas rodadas grátis é multiplicado por {m}.",
    "feature_retrigger": "Mais rodadas grátis podem ser ganhas durante as rodadas grátis "
    "(no máximo {n}).",
    "max_win": "Ganho máximo: {x} vezes a aposta por rodada.",
    "rtp": "Retorno ao jogador (RTP) deste jogo: {rtp} %.",
    "volatility": "Volatilidade: {v}.",
    "lines_title": "Linhas",
    "line_n": "Linha {n}",
    "malfunction": "Um mau funcionamento anula todos os pagamentos e jogadas.",
    "session_time": "Tempo de sessão",
    "net_position": "Resultado líquido",
    "rtp_short": "RTP",
    "reality_check": "Verificação de realidade: você está jogando há {minutes} minutos. Resultado "
    "líquido: {net}.",
    "err_3011": "Essa aposta está acima do limite permitido na sua jurisdição.",
    "err_3012": "Aguarde um momento entre as rodadas: as regras da sua jurisdição exigem.",
}

FR: dict[str, str] = {
    "balance": "Solde",
    "bet": "Mise",
    "win": "Gain",
    "last_win": "Dernier gain",
    "spin": "Lancer",
    "turbo": "Turbo",
    "sound": "Son",
    "help": "Table des gains",
    "close": "Fermer",
    "exit": "Quitter le jeu",
    "demo": "Démo : argent fictif",
    "bet_down": "Baisser la mise",
    "bet_up": "Augmenter la mise",
    "free_spins": "Tours gratuits",
    "free_spin_of": "Tour gratuit {n} sur {total}",
    "free_spins_won": "{n} tours gratuits !",
    "total_win": "Gain total {amount}",
    "free_rounds_offer": "{n} parties offertes à {bet}",
    "free_rounds_done": "Parties offertes terminées. Dernier gain : {amount}",
    "last_round": "Votre dernière partie",
    "last_round_not_played": (
        "Votre dernière partie n'a pas été jouée : le casino n'a pas accepté la mise"
    ),
    "settling": "Votre partie précédente est en cours de règlement…",
    "big_win": "Gros gain !",
    "err_2006": "Solde insuffisant : la mise n'a pas été placée et rien n'a été débité.",
    "err_3001": "Votre session de jeu est terminée. Rouvrez le jeu depuis le casino.",
    "err_1": "Ce jeu est en maintenance. Réessayez plus tard.",
    "err_3002": "Votre partie précédente est encore en cours de règlement. Patientez un instant.",
    "err_3003": "Le casino n'a pas confirmé votre mise. Elle est annulée et remboursée.",
    "err_3005": "Le portefeuille du casino est indisponible. La mise n'a pas été placée et "
    "rien n'a été débité ; réessayez plus tard.",
    "err_3006": "Le jeu est très sollicité. Le tour n'a pas été joué et rien n'a été "
    "débité ; réessayez dans quelques secondes.",
    "err_1012": "Cette mise n'est pas autorisée.",
    "err_generic": "Une erreur est survenue ({code}). Rien n'a été débité.",
    "err_network": "Connexion perdue. Vérification de votre solde…",
    "balance_stale": "Dernier solde communiqué par le casino",
    "rules": "Règles",
    "pays": "Gains (à la mise actuelle)",
    "kind_of": "{k} identiques",
    "lines_rule": "{n} lignes paient de gauche à droite sur des rouleaux adjacents.",
    "ways_rule": "{n} façons : un symbole paie sur des rouleaux adjacents depuis la gauche, sur "
    "n'importe quelle rangée.",
    "wild_rule": "{name} est joker et remplace tous les symboles normaux.",
    "cluster_rule": "Les groupes de {k} symboles identiques ou plus qui se touchent "
    "(horizontalement ou verticalement) paient puis disparaissent : les symboles du dessus "
    "tombent, de nouveaux arrivent et la grille paie à nouveau ({n} fois au plus).",
    "cascade_multipliers": "Les grilles successives d'une cascade paient {m} (le dernier pour "
    "les suivantes).",
    "expanding_rule": "{name} s'étend sur tout son rouleau chaque fois qu'il apparaît.",
    "wild_multiplier": "{name} multiplie par {m} les gains auxquels il participe.",
    "scatter_rule": "{name} paie n'importe où sur les rouleaux.",
    "feature_rule": "{k} {name} ou plus offrent des tours gratuits : {awards}.",
    "feature_multiplier": "Chaque gain des tours gratuits est multiplié par {m}.",
    "feature_retrigger": "D'autres tours gratuits peuvent être gagnés pendant les tours "
    "gratuits (au plus {n}).",
    "max_win": "Gain maximal : {x} fois la mise par partie.",
    "rtp": "Taux de retour au joueur (RTP) de ce jeu : {rtp} %.",
    "volatility": "Volatilité : {v}.",
    "lines_title": "Lignes",
    "line_n": "Ligne {n}",
    "malfunction": "Tout dysfonctionnement annule les gains et les parties.",
    "session_time": "Temps de jeu",
    "net_position": "Résultat net",
    "rtp_short": "TRJ",
    "reality_check": "Rappel : vous jouez depuis {minutes} minutes. Résultat net : {net}.",
    "err_3011": "Cette mise dépasse la limite autorisée dans votre juridiction.",
    "err_3012": "Veuillez patienter un instant entre les tours : les règles de votre juridiction "
    "l'exigent.",
}

TABLES: dict[str, dict[str, str]] = {"en": EN, "es": ES, "de": DE, "pt": PT, "fr": FR}


def words_for(lang: str) -> dict[str, str]:
    """The table for `lang`, or English when the language has none of its own."""
    return TABLES.get(lang, EN)


def page_lang(lang: str) -> str:
    """The language the page is actually shown in (its `<html lang>`)."""
    return lang if lang in TABLES else "en"
