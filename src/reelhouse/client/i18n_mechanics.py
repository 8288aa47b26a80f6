"""The game client's words for cascades, hold and win and the bonus buy, per language (merged
into each table of client/i18n.py, whose test holds every table to the same keys and
placeholders). `{amount}` and `{price}` are amounts with their currency, `{x}` the price in
bets."""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "hold_rule": "{k} or more {name} anywhere start hold and win: {n} respins; coins stay, "
        "and every respin that lands one resets the respins to {n}.",
        "hold_values": "Each coin carries a value ({values}); the feature pays every value on the"
        " board, and a full board also pays {grand}.",
        "buy_rule": "Bonus buy: start hold and win at once for {x} x the bet.",
        "cluster_win": "Cluster of {k} x {name}",
        "cascade_of": "Cascade {n} of {total}",
        "grid_of": "Base spin, grid {n} of {total}",
        "hold_started": "Hold and win: {n} respins!",
        "respins_left": "Respins left: {n}",
        "hold_total": "Feature total: {amount}",
        "grand_prize": "Full board! Grand prize {amount}",
        "hold_board": "Hold and win",
        "buy": "Buy bonus",
        "buy_confirm": "Buy the bonus feature for {price} ({x} x your bet of {bet})?",
        "buy_yes": "Buy",
        "buy_no": "Cancel",
        "err_3030": "Buying a feature is not allowed for this session.",
        "err_3031": "This game offers no bonus buy.",
        "err_3032": "A free round cannot buy a feature.",
    },
    "es": {
        "hold_rule": "{k} o más {name} en cualquier lugar inician hold and win: {n} retiradas; "
        "las monedas se quedan y cada retirada que consigue una vuelve a {n}.",
        "hold_values": "Cada moneda lleva un valor ({values}); la función paga todos los valores "
        "del tablero y un tablero lleno paga además {grand}.",
        "buy_rule": "Compra de bono: inicia hold and win al momento por {x} x la apuesta.",
        "cluster_win": "Grupo de {k} x {name}",
        "cascade_of": "Cascada {n} de {total}",
        "grid_of": "Tirada base, cuadrícula {n} de {total}",
        "hold_started": "Hold and win: ¡{n} retiradas!",
        "respins_left": "Retiradas restantes: {n}",
        "hold_total": "Total de la función: {amount}",
        "grand_prize": "¡Tablero lleno! Gran premio {amount}",
        "hold_board": "Hold and win",
        "buy": "Comprar bono",
        "buy_confirm": "¿Comprar el bono por {price} ({x} x tu apuesta de {bet})?",
        "buy_yes": "Comprar",
        "buy_no": "Cancelar",
        "err_3030": "En esta sesión no se permite comprar una función.",
        "err_3031": "Este juego no ofrece compra de bono.",
        "err_3032": "Una tirada gratis no puede comprar una función.",
    },
    "de": {
        "hold_rule": "{k} oder mehr {name} irgendwo starten Hold and win: {n} Respins; Münzen "
        "bleiben liegen, und jeder Respin mit einer neuen Münze setzt die Respins "
        "auf {n} zurück.",
        "hold_values": "Jede Münze trägt einen Wert ({values}); das Feature zahlt alle Werte auf "
        "dem Feld, ein volles Feld zusätzlich {grand}.",
        "buy_rule": "Bonuskauf: Hold and win sofort starten, für {x} x den Einsatz.",
        "cluster_win": "Cluster aus {k} x {name}",
        "cascade_of": "Kaskade {n} von {total}",
        "grid_of": "Basisdrehung, Raster {n} von {total}",
        "hold_started": "Hold and win: {n} Respins!",
        "respins_left": "Verbleibende Respins: {n}",
        "hold_total": "Summe des Features: {amount}",
        "grand_prize": "Volles Feld! Hauptpreis {amount}",
        "hold_board": "Hold and win",
        "buy": "Bonus kaufen",
        "buy_confirm": "Das Bonus-Feature für {price} kaufen ({x} x Ihr Einsatz von {bet})?",
        "buy_yes": "Kaufen",
        "buy_no": "Abbrechen",
        "err_3030": "Der Kauf eines Features ist in dieser Sitzung nicht erlaubt.",
        "err_3031": "Dieses Spiel bietet keinen Bonuskauf.",
        "err_3032": "Eine Freirunde kann kein Feature kaufen.",
    },
    "pt": {
        "hold_rule": "{k} ou mais {name} em qualquer lugar iniciam o hold and win: {n} rodadas "
        "extras; as moedas ficam, e cada rodada extra que traz uma volta a {n}.",
        "hold_values": "Cada moeda traz um valor ({values}); o recurso paga todos os valores do "
        "tabuleiro, e um tabuleiro cheio paga também {grand}.",
        "buy_rule": "Compra de bônus: inicie o hold and win na hora por {x} x a aposta.",
        "cluster_win": "Grupo de {k} x {name}",
        "cascade_of": "Cascata {n} de {total}",
        "grid_of": "Rodada base, grade {n} de {total}",
        "hold_started": "Hold and win: {n} rodadas extras!",
        "respins_left": "Rodadas extras restantes: {n}",
        "hold_total": "Total do recurso: {amount}",
        "grand_prize": "Tabuleiro cheio! Grande prêmio {amount}",
        "hold_board": "Hold and win",
        "buy": "Comprar bônus",
        "buy_confirm": "Comprar o recurso de bônus por {price} ({x} x sua aposta de {bet})?",
        "buy_yes": "Comprar",
        "buy_no": "Cancelar",
        "err_3030": "Comprar um recurso não é permitido nesta sessão.",
        "err_3031": "Este jogo não oferece compra de bônus.",
        "err_3032": "Uma rodada grátis não pode comprar um recurso.",
    },
    "fr": {
        "hold_rule": "{k} {name} ou plus n'importe où lancent le hold and win : {n} relances ; "
        "les pièces restent, et chaque relance qui en pose une remet les relances à "
        "{n}.",
        "hold_values": "Chaque pièce porte une valeur ({values}) ; la fonction paie toutes les "
        "valeurs de la grille, et une grille pleine paie en plus {grand}.",
        "buy_rule": "Achat de bonus : lancer le hold and win tout de suite pour {x} x la mise.",
        "cluster_win": "Groupe de {k} x {name}",
        "cascade_of": "Cascade {n} sur {total}",
        "grid_of": "Tour de base, grille {n} sur {total}",
        "hold_started": "Hold and win : {n} relances !",
        "respins_left": "Relances restantes : {n}",
        "hold_total": "Total de la fonction : {amount}",
        "grand_prize": "Grille pleine ! Gros lot {amount}",
        "hold_board": "Hold and win",
        "buy": "Acheter le bonus",
        "buy_confirm": "Acheter la fonction bonus pour {price} ({x} x votre mise de {bet}) ?",
        "buy_yes": "Acheter",
        "buy_no": "Annuler",
        "err_3030": "L'achat d'une fonction n'est pas autorisé pour cette session.",
        "err_3031": "Ce jeu ne propose pas d'achat de bonus.",
        "err_3032": "Un tour gratuit ne peut pas acheter de fonction.",
    },
}
