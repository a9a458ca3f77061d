#!/usr/bin/env python3
"""Deterministic synthetic survey export for benchmarks (standard library only).

Writes the 9-column layout of ../shared/PERFORMANCE.md: response_id, customer_id, email,
submitted_at (ISO 8601 UTC), score (about 1% blank), plan, country, channel, comment (commas,
quotes, and with --newlines some embedded line breaks). The same --rows and --seed always give the
same bytes, and the script prints the expected counts so a benchmark can check every tool's answer.

    python3 tests/bench/generate.py --rows 1000000 --out /tmp/nps-1m.csv
    python3 tests/bench/generate.py --rows 1000000 --newlines --format ndjson --out /tmp/nps-1m.ndjson

--format csv (the default) writes RFC 4180 text with a header row; a comment holding a comma, a
quote or a line break is quoted. --format ndjson writes the same rows (same --rows, --seed and
--newlines give the same values in both formats) as one JSON object per line, keys in the CSV's
column order, `score` a JSON integer or `null` when blank, every other field a string (an empty
comment is ""), UTF-8 without escaping non-ASCII letters.

Parquet is not written here (the standard library has no Parquet writer): tests/bench/run.py
converts the CSV with the DuckDB CLI, giving score INTEGER (NULL when blank), submitted_at TIMESTAMP
(UTC instant, no zone) and every other column VARCHAR.

--varied-comments replaces the comment column by mostly distinct comments (the other columns, and
so the counts, stay those of the same --rows and --seed without it): each is composed from English
or French phrase fragments about the themes a survey hears (price, staff, bugs, speed, delivery,
ease of use, features, quality, range, documentation, integrations, ambience, account,
communication), neutral filler and invented words, 0-40 words, about 15% blank (see
VariedComments). It exercises comment analysis (`nps themes`) without a small set of comments that
a cache could remember.

    python3 tests/bench/generate.py --rows 1000000 --newlines --varied-comments --out /tmp/nps-themes-1m.csv

The last line on stderr is `rows=… n=… blank=… nps=…` (n = non-blank scores, NPS to 6 decimals).
"""

import argparse
import json
import random
import sys

PLANS = ["free", "starter", "pro", "enterprise"]
COUNTRIES = ["FR", "US", "DE", "GB", "CA", "BE", "CH", "ES", "IT", "NL"]
CHANNELS = ["email", "in-app", "sms", "web"]
COMMENTS = [
    "",
    "Great product, would recommend",
    'Support said "next week", still waiting',
    "Too expensive for what it does, honestly",
    "Très déçu, l'équipe n'a pas répondu",
    "Fast, simple, reliable",
    "The new dashboard is confusing, please bring back the old one",
    "Pricing, bugs, and slow exports",
]
# Skewed towards promoters, like most real surveys.
WEIGHTS = [3, 1, 1, 2, 2, 4, 6, 12, 18, 22, 29]
COLUMNS = ["response_id", "customer_id", "email", "submitted_at", "score", "plan", "country",
           "channel", "comment"]


# ---------------------------------------------------------------------------------------------
# --varied-comments: phrase fragments per theme and language, neutral filler, invented words.

FRAGMENTS = {
    "en": {
        "price": [
            "way too expensive for what you get", "the price went up again", "pricing is fair",
            "good value for money", "hidden fees on every invoice", "we were charged twice last month",
            "cheaper than the competition", "the premium plan costs too much", "a discount for annual billing would help",
            "not worth the money", "the monthly fee keeps rising", "reasonably priced overall",
            "the free tier is too limited", "a total rip off", "billing was a mess",
        ],
        "support": [
            "the support team was brilliant", "customer service never answered my ticket",
            "the staff were friendly and helpful", "the agent on the phone was rude",
            "nobody got back to me", "waited on hold for an hour", "the live chat was useful",
            "my account manager is great", "the waiter was very polite", "the help desk closed my ticket without reply",
            "talk to a real person", "the receptionist was welcoming", "unhelpful support",
            "the guy at the counter went above and beyond",
        ],
        "bugs": [
            "the app keeps crashing", "it crashed twice today", "full of bugs", "the export is broken",
            "got an error message every time", "the page will not load", "lost my data after the update",
            "it freezes on startup", "a glitch in the calendar", "the site was down all morning",
            "stopped working after the update", "the sync fails", "blank screen on login", "buggy release",
        ],
        "speed": [
            "really slow to load", "loading takes forever", "the dashboard is so slow",
            "fast and responsive", "the wait time was too long", "still waiting for an answer",
            "the queue was huge", "pages load instantly", "it lags on my phone", "took ages to process",
            "quick response time", "long delays at checkout", "snappy interface", "the reports are slow",
        ],
        "delivery": [
            "the parcel arrived late", "delivery was quick", "my package never arrived",
            "shipping took two weeks", "the courier left it at the door", "arrived damaged",
            "free shipping would be nice", "tracking number did not work", "delivered on time",
            "the packaging was torn", "wrong address on the shipment", "next day delivery as promised",
            "lost in the post", "delivery slot was missed",
        ],
        "ease_of_use": [
            "easy to use", "very intuitive", "the interface is confusing", "hard to find anything",
            "simple and clear", "the setup was complicated", "user friendly", "too many clicks",
            "the navigation is clunky", "steep learning curve", "easy to set up",
            "the menus make no sense", "straightforward workflow", "onboarding was painless",
        ],
        "features": [
            "please add a dark mode", "would be nice to have an offline mode", "missing features",
            "i wish it had recurring invoices", "we need the ability to export to pdf",
            "would love to see custom reports", "no option to filter by date", "add support for multiple currencies",
            "the roadmap looks promising", "should allow shared folders", "feature request",
            "would be great if it had tags", "not able to bulk edit", "i wish there was an api for that",
        ],
        "quality": [
            "great quality", "feels cheap", "well made and sturdy", "broke after a week",
            "the food was delicious", "poor build quality", "very reliable", "the battery life is poor",
            "fell apart quickly", "top quality materials", "the meal was cold and bland",
            "solid product", "defective on arrival", "the sound quality is excellent",
        ],
        "range": [
            "not much choice", "great selection", "out of stock again", "the range is too small",
            "sold out in my size", "more vegan options please", "could not find what i needed",
            "wide range of products", "empty shelves", "limited menu", "lots of variety",
            "discontinued my favourite item", "back in stock at last", "more colours would be nice",
        ],
        "documentation": [
            "the documentation is outdated", "no tutorial for beginners", "the docs are excellent",
            "the user guide is confusing", "couldn't find it in the faq", "the help center is useful",
            "the manual is missing steps", "great video tutorials", "the api docs are incomplete",
            "instructions were clear", "the knowledge base is thin", "a getting started guide would help",
        ],
        "integrations": [
            "works with slack", "the salesforce integration is broken", "please integrate with zapier",
            "syncs with google calendar", "no quickbooks connector", "the outlook plugin crashes",
            "needs a shopify integration", "the api is limited", "export to excel works",
            "not compatible with my iphone", "hubspot sync is flaky", "the android app does not sync",
        ],
        "ambience": [
            "nice atmosphere", "the place was dirty", "too noisy to talk", "lovely decor",
            "the music was too loud", "clean and tidy", "uncomfortable chairs", "the toilets were filthy",
            "cosy little place", "the room was cold", "great vibe", "crowded at lunchtime",
            "the parking is tiny", "spotless premises",
        ],
        "account": [
            "could not log in", "password reset never arrives", "locked out of my account",
            "two factor codes are slow", "sign up was easy", "kept logging me out",
            "cannot change my username", "the login page loops", "deleting my account is impossible",
            "verification code never came", "my profile settings vanished", "single sign-on works well",
        ],
        "communication": [
            "no email about the outage", "too many notifications", "nobody told us about the change",
            "kept informed at every step", "the newsletter is spam", "clear information",
            "misleading emails", "no warning before the price change", "please keep me updated",
            "the text reminders are handy", "communication was poor", "the announcement came too late",
        ],
        "filler": [
            "overall", "to be honest", "i think", "in general", "so far", "we have been using it for a year",
            "my team", "most of the time", "last week", "again", "as usual", "i guess", "for now",
            "all in all", "by the way", "on the whole", "it depends", "nothing special", "thanks",
            "keep it up", "no comment", "maybe", "the rest is fine", "since january", "my colleague says",
            "for our company", "in my opinion", "every day", "on mobile", "compared to last year",
        ],
    },
    "fr": {
        "price": [
            "beaucoup trop cher", "le prix a encore augmenté", "tarif correct", "bon rapport qualité prix",
            "des frais cachés partout", "facturé deux fois ce mois-ci", "moins cher que la concurrence",
            "l'abonnement premium coûte trop", "une réduction à l'année serait bien", "hors de prix",
            "la facturation est incompréhensible", "prix raisonnable", "la version gratuite est trop limitée",
            "une vraie arnaque",
        ],
        "support": [
            "le service client est au top", "personne n'a répondu à ma réclamation",
            "le personnel est aimable et souriant", "le conseiller au téléphone était désagréable",
            "aucune réponse depuis une semaine", "impossible de les joindre", "l'équipe est très réactive",
            "la serveuse était adorable", "accueil chaleureux", "le vendeur était incompétent",
            "très professionnel", "on m'a rappelé rapidement", "le sav ne sert à rien", "une conseillère à l'écoute",
        ],
        "bugs": [
            "l'appli plante sans arrêt", "encore un bug", "ça ne marche plus depuis la mise à jour",
            "message d'erreur à chaque fois", "la page ne charge pas", "j'ai perdu mes données",
            "l'écran reste figé", "le site était en panne", "ça beugue tout le temps",
            "l'export ne fonctionne pas", "écran blanc au démarrage", "plantage à l'ouverture",
            "la synchro échoue", "trop d'erreurs",
        ],
        "speed": [
            "très lent à charger", "le temps d'attente est interminable", "le tableau de bord rame",
            "rapide et fluide", "une heure d'attente", "j'attends toujours une réponse",
            "la file d'attente était énorme", "les pages s'affichent tout de suite", "ça rame sur mon téléphone",
            "des semaines pour traiter ma demande", "très réactif", "trop long", "beaucoup de retard",
            "le chargement prend une éternité",
        ],
        "delivery": [
            "le colis est arrivé en retard", "livraison rapide", "je n'ai jamais reçu ma commande",
            "l'expédition a pris deux semaines", "le livreur l'a laissé devant la porte", "arrivé abîmé",
            "frais de port trop élevés", "le numéro de suivi ne marche pas", "livré à l'heure",
            "l'emballage était déchiré", "mauvaise adresse sur le colis", "reçu le lendemain",
            "perdu par la poste", "le point relais était fermé",
        ],
        "ease_of_use": [
            "facile à utiliser", "très intuitif", "l'interface est confuse", "on s'y perd",
            "simple et clair", "la configuration est compliquée", "prise en main rapide",
            "trop de clics", "la navigation est pénible", "une vraie usine à gaz", "facile à installer",
            "les menus sont mal pensés", "ergonomie au top", "démarches trop longues",
        ],
        "features": [
            "il manque un mode sombre", "ce serait bien d'avoir un mode hors ligne", "il manque des fonctionnalités",
            "j'aimerais pouvoir exporter en pdf", "la possibilité de filtrer par date serait utile",
            "pas moyen de modifier en masse", "ajoutez les factures récurrentes", "il faudrait pouvoir partager les dossiers",
            "nouvelles fonctionnalités bienvenues", "on ne peut pas personnaliser les rapports",
            "ce serait top d'avoir des étiquettes", "il manque une option pour les devises",
        ],
        "quality": [
            "très bonne qualité", "ça fait camelote", "solide et bien fini", "cassé au bout d'une semaine",
            "le repas était délicieux", "mauvaise qualité", "très fiable", "l'autonomie de la batterie est faible",
            "produit défectueux", "des matériaux de qualité", "le plat était froid et fade",
            "produit robuste", "finition bâclée", "excellent produit",
        ],
        "range": [
            "pas beaucoup de choix", "belle sélection", "encore en rupture de stock", "la gamme est trop réduite",
            "plus disponible dans ma taille", "plus d'options végétariennes svp", "pas trouvé ce que je cherchais",
            "grand choix de produits", "rayons vides", "carte limitée", "beaucoup de variété",
            "mon produit préféré n'est plus disponible", "enfin de retour en stock", "plus de coloris serait bien",
        ],
        "documentation": [
            "la documentation n'est pas à jour", "aucun tutoriel pour débuter", "la doc est excellente",
            "le guide d'utilisation est confus", "rien trouvé dans la faq", "le centre d'aide est utile",
            "il manque des étapes dans la notice", "super tutos vidéo", "la doc de l'api est incomplète",
            "le mode d'emploi est clair", "la base de connaissances est pauvre", "un guide de démarrage aiderait",
        ],
        "integrations": [
            "fonctionne avec slack", "l'intégration salesforce est cassée", "connecteur zapier svp",
            "synchronisation avec google agenda", "pas de connecteur avec le logiciel de compta",
            "le plugin outlook plante", "il faut une intégration shopify", "l'api est limitée",
            "l'export vers excel marche bien", "pas compatible avec mon iphone", "la synchro hubspot est capricieuse",
            "l'appli android ne se synchronise pas",
        ],
        "ambience": [
            "ambiance agréable", "l'endroit était sale", "trop bruyant pour discuter", "jolie déco",
            "la musique était trop forte", "propre et bien rangé", "chaises inconfortables", "les toilettes étaient crasseuses",
            "un lieu cosy", "il faisait froid dans la salle", "cadre magnifique", "bondé à midi",
            "le parking est minuscule", "locaux impeccables",
        ],
        "account": [
            "impossible de me connecter", "le mot de passe ne se réinitialise pas", "mon compte est bloqué",
            "le code par sms arrive en retard", "inscription facile", "je suis déconnecté sans arrêt",
            "impossible de changer mon identifiant", "la page de connexion tourne en boucle",
            "impossible de fermer mon compte", "jamais reçu le code de vérification", "mon profil a disparu",
            "la double authentification marche bien",
        ],
        "communication": [
            "aucun mail pour prévenir de la panne", "trop de notifications", "personne ne nous a prévenus du changement",
            "tenu informé à chaque étape", "la newsletter c'est du spam", "informations claires",
            "des mails trompeurs", "aucune annonce avant la hausse", "merci de me tenir informé",
            "les rappels par sms sont pratiques", "communication très mauvaise", "l'annonce est arrivée trop tard",
        ],
        "filler": [
            "dans l'ensemble", "pour être honnête", "je pense que", "en général", "pour l'instant",
            "on l'utilise depuis un an", "mon équipe", "la plupart du temps", "la semaine dernière", "encore",
            "comme d'habitude", "bref", "à voir", "au final", "d'ailleurs", "globalement", "ça dépend",
            "rien de spécial", "merci", "continuez comme ça", "pas de commentaire", "peut-être",
            "le reste va bien", "depuis janvier", "mon collègue trouve que", "pour notre entreprise",
            "à mon avis", "tous les jours", "sur mobile", "par rapport à l'an dernier",
        ],
    },
}

# Invented words: syllable combinations, made once from a fixed seed (the same for every --seed).
_SYLLABLES = {
    "en": (["b", "br", "c", "ch", "cl", "d", "dr", "f", "fl", "g", "gr", "h", "j", "k", "l", "m", "n",
            "p", "pl", "pr", "r", "s", "sh", "sl", "sp", "st", "t", "th", "tr", "v", "w", "z"],
           ["a", "e", "i", "o", "u", "ai", "ea", "ee", "oo", "ou", "y"],
           ["", "", "n", "r", "s", "t", "ck", "nd", "st", "ll", "m", "ng"]),
    "fr": (["b", "br", "c", "ch", "d", "f", "g", "gn", "j", "l", "m", "n", "p", "pl", "qu", "r", "s",
            "t", "tr", "v"],
           ["a", "e", "é", "è", "ê", "i", "o", "u", "ou", "eau", "ai", "oi", "an", "on", "in", "â", "ô", "ï"],
           ["", "", "", "s", "t", "r", "x", "nt", "lle", "que", "ç"]),
}
VOCABULARY_SIZE = 2500  # per language


def _vocabulary(lang: str) -> list:
    onsets, vowels, codas = _SYLLABLES[lang]
    rng = random.Random(f"nps-bench-vocabulary-{lang}")
    words, seen = [], set()
    while len(words) < VOCABULARY_SIZE:
        n = rng.choice((1, 2, 2, 2, 3, 3))
        w = "".join(rng.choice(onsets) + rng.choice(vowels) for _ in range(n)) + rng.choice(codas)
        if len(w) >= 3 and w not in seen:
            seen.add(w)
            words.append(w)
    return words


class VariedComments:
    """Callable giving the next comment: English (60%) or French (40%), about 15% blank, otherwise
    1-40 words made of pieces — a theme fragment (45%), a neutral filler fragment (20%) or 1-4
    invented words (35%) — joined by spaces, commas, full stops, dashes, sometimes with a quoted
    piece or an exclamation mark, cut to the drawn number of words. With newlines, 5% of the
    comments of two pieces or more hold a line break between two pieces. Deterministic from the seed."""

    def __init__(self, seed: int, newlines: bool):
        self.rng = random.Random(f"nps-bench-comments-{seed}")
        self.newlines = newlines
        self.themed = {lang: [f.split() for key, frags in by.items() if key != "filler" for f in frags]
                       for lang, by in FRAGMENTS.items()}
        self.filler = {lang: [f.split() for f in by["filler"]] for lang, by in FRAGMENTS.items()}
        self.vocab = {lang: _vocabulary(lang) for lang in FRAGMENTS}

    def __call__(self) -> str:
        rng = self.rng
        r = rng.random()
        if r < 0.15:
            return ""
        lang = "en" if r < 0.15 + 0.85 * 0.6 else "fr"
        target = rng.randint(1, 40)
        themed, filler, vocab = self.themed[lang], self.filler[lang], self.vocab[lang]
        pieces, words = [], 0
        while words < target:
            p = rng.random()
            if p < 0.45:
                piece = themed[int(p / 0.45 * len(themed))]
            elif p < 0.65:
                piece = filler[int((p - 0.45) / 0.20 * len(filler))]
            else:
                piece = rng.choices(vocab, k=1 + int((p - 0.65) / 0.35 * 4))
            if words + len(piece) > target:
                piece = piece[: target - words]
            pieces.append(" ".join(piece))
            words += len(piece)
        out = [pieces[0][:1].upper() + pieces[0][1:]]
        for piece in pieces[1:]:
            s = rng.random()
            if s < 0.55:
                out.append(" " + piece)
            elif s < 0.75:
                out.append(", " + piece)
            elif s < 0.88:
                out.append(". " + piece[:1].upper() + piece[1:])
            elif s < 0.94:
                out.append(" - " + piece)
            elif s < 0.97:
                out.append(' "' + piece + '"')
            else:
                out.append("! " + piece)
        if self.newlines and len(out) > 1 and rng.random() < 0.05:
            i = rng.randrange(1, len(out))
            out[i] = "\n" + out[i].lstrip(' ,.!-')
        if rng.random() < 0.1:
            out.append("!" if lang == "en" else " !")
        return "".join(out)


def rows(n_rows: int, seed: int, newlines: bool, counts: list, varied: bool = False):
    """Yield each row as (response_id, customer_id, email, submitted_at, score or None, plan,
    country, channel, comment), counting scores in counts[0..10] and blanks in counts[11].

    The random draws happen in exactly the order of the original CSV-only script, so the CSV
    output is byte-identical to it for the same --rows, --seed and --newlines.

    With varied, the comment comes from a second generator (seeded from seed) after the main one
    has made all its usual draws, so every other column is the same as without varied."""
    rng = random.Random(seed)
    make_comment = VariedComments(seed, newlines) if varied else None
    for i in range(n_rows):
        if rng.random() < 0.01:
            score = None
            counts[11] += 1
        else:
            score = rng.choices(range(11), WEIGHTS)[0]
            counts[score] += 1
        cust = rng.randrange(1, n_rows // 3 + 2)
        month = 1 + (i * 12) // n_rows
        day = 1 + rng.randrange(28)
        ts = f"2025-{month:02d}-{day:02d}T{rng.randrange(24):02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d}Z"
        comment = rng.choice(COMMENTS)
        if newlines and comment and rng.random() < 0.05:
            comment += "\nSecond line of the comment"
        if make_comment:
            comment = make_comment()
        plan = rng.choice(PLANS)
        country = rng.choice(COUNTRIES)
        channel = rng.choice(CHANNELS)
        yield (f"R{i:09d}", f"C{cust:08d}", f"user{cust}@example.com", ts, score, plan, country,
               channel, comment)


def write_csv(f, it) -> None:
    f.write(",".join(COLUMNS) + "\n")
    for rid, cid, email, ts, score, plan, country, channel, comment in it:
        if any(c in comment for c in ',"\n'):
            comment = '"' + comment.replace('"', '""') + '"'
        f.write(
            f"{rid},{cid},{email},{ts},{'' if score is None else score},"
            f"{plan},{country},{channel},{comment}\n"
        )


def write_ndjson(f, it) -> None:
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    for row in it:
        f.write(dumps(dict(zip(COLUMNS, row))) + "\n")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--seed", type=int, default=20261123)
    p.add_argument("--newlines", action="store_true", help="put line breaks in some comments")
    p.add_argument("--format", choices=["csv", "ndjson"], default="csv",
                   help="csv (default) or ndjson: the same rows either way")
    p.add_argument("--varied-comments", action="store_true",
                   help="mostly distinct English and French comments built from theme fragments and "
                        "invented words (other columns unchanged)")
    a = p.parse_args()
    if a.rows < 1:
        p.error("--rows must be at least 1")
    counts = [0] * 12
    write = write_csv if a.format == "csv" else write_ndjson
    with open(a.out, "w", encoding="utf-8", newline="") as f:
        write(f, rows(a.rows, a.seed, a.newlines, counts, a.varied_comments))
    blank = counts[11]
    n = sum(counts[:11])
    promoters, detractors = counts[9] + counts[10], sum(counts[:7])
    nps = 100 * (promoters - detractors) / n if n else float("nan")
    print(f"rows={a.rows} n={n} blank={blank} nps={nps:.6f}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
