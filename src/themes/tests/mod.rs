//! The tagger on the cases the issue names: forms that must not matter, traps, the comment's
//! language, where matches point. Intent is in `intent.rs`, words in another sense in `senses.rs`.

use super::*;

fn tagger() -> Tagger {
    let stemmers = Stemmers::default();
    Tagger::new(Lexicon::builtin(&stemmers), None)
}

fn themes(t: &Tagger, text: &str) -> Vec<String> {
    let tagged = t.tag(Some(text), None);
    t.themes_of(&tagged)
        .into_iter()
        .map(|i| t.lexicon.themes[i].key.clone())
        .collect()
}

/// Each text's intent is the one beside it.
fn assert_intents(t: &Tagger, cases: &[(&str, Intent)]) {
    for &(text, intent) in cases {
        assert_eq!(t.tag(Some(text), None).intent, Some(intent), "{text}");
    }
}

fn has(t: &Tagger, text: &str, key: &str) -> bool {
    themes(t, text).iter().any(|k| k == key)
}

#[test]
fn case_accents_plurals_verb_forms_and_elisions_do_not_matter() {
    let t = tagger();
    for text in [
        "Trop cher",
        "très chers",
        "PRIX élevés",
        "overpriced",
        "too expensive",
        "Prices are high",
    ] {
        assert!(has(&t, text, "price"), "{text}: {:?}", themes(&t, text));
    }
    for text in [
        "l'appli plante",
        "L’APPLI PLANTE tout le temps",
        "it keeps crashing",
        "The app crashed twice",
    ] {
        assert!(has(&t, text, "bugs"), "{text}: {:?}", themes(&t, text));
    }
}

/// Typed without accents, a French word may stem otherwise ("tres" is "tre", "très" is "tres"):
/// each accented term also matches its spelling without them.
#[test]
fn french_typed_without_accents_tags_as_with_them() {
    let t = tagger();
    for (with, without, key) in [
        (
            "Service très long le midi.",
            "Service tres long le midi.",
            "speed",
        ),
        (
            "Encore une facture salée.",
            "Encore une facture salee.",
            "price",
        ),
        (
            "J'ai trop payé ce mois-ci.",
            "J'ai trop paye ce mois-ci.",
            "price",
        ),
        (
            "Le service après vente.",
            "Le service apres vente.",
            "support",
        ),
        // Inflected: the French stemmer reads the accent ("livrée" livr, "livree" livre).
        (
            "Commande livrée en retard.",
            "Commande livree en retard.",
            "delivery",
        ),
        // An `exact` term ("facturée", not the invoice "facture") is met without its accent.
        ("Facturée deux fois.", "Facturee deux fois.", "price"),
    ] {
        assert!(has(&t, with, key), "{with}: {:?}", themes(&t, with));
        assert!(
            has(&t, without, key),
            "{without}: {:?}",
            themes(&t, without)
        );
    }
}

#[test]
fn decomposed_accents_tag_as_composed_ones() {
    use unicode_normalization::UnicodeNormalization;
    let t = tagger();
    let composed = "Déçu : livré en retard, très cher, accueil désagréable";
    let decomposed: String = composed.nfd().collect();
    assert_ne!(composed, decomposed);
    assert_eq!(themes(&t, &decomposed), themes(&t, composed));
    for key in ["delivery", "price", "support"] {
        assert!(
            has(&t, &decomposed, key),
            "{key}: {:?}",
            themes(&t, &decomposed)
        );
    }
}

#[test]
fn delivery_times_are_delivery_and_waiting_elsewhere_is_speed() {
    let t = tagger();
    // LABELS.md: "delivery times alone" are delivery; speed gives way to it within a clause.
    for text in [
        "Waited three weeks for the parcel to turn up",
        "Delivery was a bit slow",
        "Les protéines ont mis 15 jours à arriver, livraison catastrophique",
    ] {
        assert_eq!(themes(&t, text), ["delivery"], "{text}");
    }
    // In another clause, or with no delivery at all, waiting is speed.
    for text in [
        "Fast delivery, but the app is painfully slow",
        "Waited 40 minutes to check in",
        "Livraison rapide. Par contre on attend 20 minutes au téléphone",
        // Stuck somewhere for a while (airline customers' tweets).
        "I sat on the runway for 4 MORE HRS before takeoff",
        "We got stuck in the snow for a hr",
        // An app's footprint is its performance (app reviews labelled so, CLAP).
        "Takes up sooooo much memory",
        "Great app but eats up a lot of RAM",
        "Bloqués sur le tarmac pendant 3 heures",
        "L'appli prend trop de mémoire",
    ] {
        assert!(has(&t, text, "speed"), "{text}: {:?}", themes(&t, text));
    }
    // A duration that is not a wait: how long something lasted, or a state.
    for text in [
        "Ma carte s'est démagnétisée au bout de deux mois",
        "Been trying to log in for a week",
        "Loads of room types to pick from",
        "Pas assez de trains le dimanche",
        "Stuck with this phone for two years",
        "Overcrowded every morning, standing for an hour",
        "Je suis resté fidèle pendant 10 ans",
    ] {
        assert!(!has(&t, text, "speed"), "{text}: {:?}", themes(&t, text));
    }
}

#[test]
fn traps_are_not_themes() {
    let t = tagger();
    // plante: a crash, or a plant.
    assert!(has(&t, "Le site plante dès que je paie", "bugs"));
    assert!(!has(&t, "J'ai acheté une plante verte magnifique", "bugs"));
    // sale: dirty in French, a promotion in English.
    assert!(has(&t, "La salle était sale", "ambience"));
    assert!(!has(&t, "La salle était sale", "price"));
    assert!(has(&t, "Bought it in the summer sale", "price"));
    assert!(!has(&t, "Bought it in the summer sale", "ambience"));
    // Short comments with no function word: the words only one language's lexicon knows decide.
    for (text, yes, no) in [
        ("Chambre sale", "ambience", "price"),
        ("Magasin sale, toilettes sales", "ambience", "price"),
        ("Great sale prices", "price", "ambience"),
    ] {
        assert!(
            has(&t, text, yes) && !has(&t, text, no),
            "{text}: {:?}",
            themes(&t, text)
        );
    }
    // cher / cherche; "cher client".
    assert!(!has(&t, "Je cherche encore la bonne taille", "price"));
    assert!(!has(&t, "Cher client, merci de votre message", "price"));
    // "cher" as "dear" in a greeting, "aux abonnés absents" (not answering), the waiting room.
    for text in [
        "Cher service client, merci pour votre aide rapide",
        "Chère équipe, bravo pour tout",
        "Mes chers collègues adorent l'outil",
        "Imprimante en panne au bout de deux mois, SAV aux abonnés absents.",
    ] {
        assert!(!has(&t, text, "price"), "{text}: {:?}", themes(&t, text));
    }
    // "poli" (polite) as a word, not a stem that folds into "pôle" ("Pôle emploi").
    assert!(!has(&t, "Pôle emploi, dossier en cours", "support"));
    assert!(has(&t, "Conseiller très poli", "support"));
    let text = "Le chauffage ne marche pas dans la salle d'attente";
    assert!(!has(&t, text, "speed"), "{:?}", themes(&t, text));
    // accueil / page d'accueil.
    assert!(has(&t, "Accueil chaleureux à la boutique", "support"));
    assert!(!has(&t, "La page d'accueil est chargée de pubs", "support"));
    // livre (a book) / livré.
    assert!(!has(&t, "J'ai trouvé un très bon livre", "delivery"));
    assert!(has(
        &t,
        "Colis livré avec trois jours de retard",
        "delivery"
    ));
    // price / overpriced; deliver / delivery.
    assert!(has(&t, "Way overpriced for what it is", "price"));
    assert!(!has(
        &t,
        "The speaker delivered a great presentation",
        "delivery"
    ));
    assert!(has(&t, "Delivery was late again", "delivery"));
    // A longer phrase decides: "rapport qualité/prix" is price, not quality.
    assert!(has(&t, "Bon rapport qualité/prix", "price"));
    assert!(!has(&t, "Bon rapport qualité/prix", "quality"));
}

#[test]
fn a_thing_named_without_a_judgement_is_weaker() {
    let t = tagger();
    assert!(!has(&t, "The menu", "range"));
    assert!(has(&t, "The menu is far too limited", "range"));
    // Praise of an existing feature is not a missing feature.
    assert!(!has(&t, "The features are great", "features"));
    assert!(has(&t, "Please add a dark mode", "features"));
    assert!(has(&t, "Il manque une fonction d'export", "features"));
}

#[test]
fn language_comes_from_the_column_the_flag_then_the_vote() {
    let t = tagger();
    assert_eq!(
        t.analyse("bug", Some(Lang::Fr)).lang_source,
        LangSource::Column
    );
    let a = t.analyse("Trop cher pour ce que c'est", None);
    assert_eq!((a.lang, a.lang_source), (Some(Lang::Fr), LangSource::Vote));
    let a = t.analyse("Support", None);
    assert_eq!((a.lang, a.lang_source), (None, LangSource::Undetermined));
    let flagged = Tagger::new(Lexicon::builtin(&Stemmers::default()), Some(Lang::En));
    assert_eq!(
        flagged.analyse("Support", None).lang_source,
        LangSource::Flag
    );
}

#[test]
fn empty_comments_are_told_from_blank_ones() {
    let t = tagger();
    assert_eq!(t.tag(None, None).content, Some(Content::Blank));
    assert_eq!(t.tag(Some("  "), None).content, Some(Content::Blank));
    for text in [
        "RAS",
        "n/a",
        "Nothing",
        "-",
        "Rien à signaler",
        "no comment",
    ] {
        assert_eq!(
            t.tag(Some(text), None).content,
            Some(Content::Empty),
            "{text}"
        );
    }
    assert_eq!(t.tag(Some("ok"), None).content, Some(Content::Text));
}

#[test]
fn matches_point_at_the_words_of_the_comment() {
    let t = tagger();
    let text = "Trop cher pour ce que c'est, et l'appli plante";
    let tagged = t.tag(Some(text), None);
    let words: Vec<&str> = tagged.found.iter().map(|f| &text[f.start..f.end]).collect();
    assert!(words.contains(&"cher"), "{words:?}");
    assert!(words.contains(&"plante"), "{words:?}");
}

proptest::proptest! {
    /// Any text — scripts, combining marks, apostrophes anywhere, controls — is tagged without a
    /// panic, and every span points at character boundaries of the text.
    #[test]
    fn any_text_is_tagged_without_panic(text in "\\PC{0,80}|[a-zA-Zéèàç'’ ,.!?0-9€$%\\-]{0,120}") {
        static TAGGER: std::sync::OnceLock<Tagger> = std::sync::OnceLock::new();
        let t = TAGGER.get_or_init(tagger);
        for token in crate::text::tokenize(&text) {
            proptest::prop_assert!(text.is_char_boundary(token.start) && text.is_char_boundary(token.end));
            proptest::prop_assert!(token.start <= token.end && token.end <= text.len());
        }
        let a = t.analyse(&text, None);
        for f in a.found.iter().chain(a.dropped.iter().map(|(f, _)| f)) {
            proptest::prop_assert!(text.is_char_boundary(f.start) && text.is_char_boundary(f.end));
            proptest::prop_assert!(f.start <= f.end && f.end <= text.len());
        }
        let _ = t.tag(Some(&text), Some(Lang::Fr));
    }
}

#[test]
fn a_star_in_a_phrase_stands_for_any_one_word() {
    let stemmers = Stemmers::default();
    let mut lexicon = Lexicon::default();
    let file = r#"
[features]
en = ["wish the * had"]
[support]
en = [{ word = "team", unless = ["our * team"] }]
"#;
    lexicon.add_file(file, None, &stemmers).unwrap();
    let t = Tagger::new(lexicon, Some(Lang::En));
    assert_eq!(themes(&t, "I wish the app had a dark mode"), ["features"]);
    // One word, not none and not two.
    assert!(themes(&t, "I wish the had a dark mode").is_empty());
    assert!(themes(&t, "I wish the mobile app had a dark mode").is_empty());
    assert_eq!(themes(&t, "The team was great"), ["support"]);
    assert!(themes(&t, "It helped our UX team a lot").is_empty());
}

/// Everyday English words that judge a meal, a shop or its staff (French had "impeccable"
/// already): a judgement lets a bare "service" count, and gives the comment its intent.
#[test]
fn everyday_judgements_count_in_english() {
    let t = tagger();
    assert!(has(&t, "The service was impeccable.", "support"));
    assert!(!has(&t, "The service.", "support"));
    assert_intents(
        &t,
        &[
            ("The service was impeccable.", Intent::Praise),
            ("A welcoming little bistro, yummy desserts.", Intent::Praise),
            ("The fries were soggy and greasy.", Intent::Problem),
            (
                "Overcooked pasta and an inattentive waiter.",
                Intent::Problem,
            ),
        ],
    );
}

mod intent;
mod senses;

/// The built-in lexicons list a term once: a plain term that repeats one with exceptions
/// (`unless`, `needs`) matches where those exceptions said not to ("responded" beside
/// `{ stem = "responded", unless = ["it responds"] }`), and a repeated plain term counts twice
/// among the terms that matched most.
#[test]
fn builtin_terms_are_listed_once() {
    for (file, text) in [
        ("builtin.toml", lexicon::BUILTIN),
        ("intent.toml", INTENT),
        ("churn.toml", crate::risk::language::BUILTIN),
    ] {
        let doc: toml::Table = text.parse().expect("the built-in lexicons parse");
        for (key, table) in &doc {
            for lang in ["en", "fr"] {
                let Some(terms) = table.get(lang).and_then(|t| t.as_array()) else {
                    continue;
                };
                let mut plain = std::collections::HashSet::new();
                for term in terms.iter().filter_map(|t| t.as_str()) {
                    let term = term.to_lowercase();
                    assert!(
                        plain.insert(term.clone()),
                        "{file} [{key}] {lang}: {term:?} twice"
                    );
                }
                for term in terms.iter().filter_map(|t| t.as_table()) {
                    if !term.contains_key("unless") && !term.contains_key("needs") {
                        continue;
                    }
                    for mode in ["stem", "phrase", "word", "exact"] {
                        if let Some(s) = term.get(mode).and_then(|s| s.as_str()) {
                            assert!(
                                !plain.contains(&s.to_lowercase()),
                                "{file} [{key}] {lang}: plain {s:?} bypasses its exceptions"
                            );
                        }
                    }
                }
            }
        }
    }
}
