//! Churn language on single sentences: each rule of the module (negation, direction, condition,
//! competitors) with a sentence that fires and one that must not.

use super::*;

fn reader() -> ChurnReader {
    ChurnReader::new(&[], &["Zendesk".into(), "Help Scout".into()], None).unwrap()
}

fn keys(text: &str) -> Vec<String> {
    reader()
        .read(text, None)
        .iter()
        .map(|h| match h.conditional {
            true => format!("{}:conditional", h.signal.key()),
            false => h.signal.key().to_string(),
        })
        .collect()
}

#[test]
fn explicit_intent_fires_and_its_negation_does_not() {
    assert_eq!(keys("I am going to cancel my subscription."), ["intent"]);
    assert_eq!(keys("Je vais résilier mon abonnement."), ["intent"]);
    assert!(keys("I would never cancel my subscription, love it").is_empty());
    assert!(keys("Je ne vais pas résilier, rassurez-vous").is_empty());
    assert!(keys("Je ne résilierai pas mon abonnement").is_empty());
    // Spoken French drops the `ne`.
    assert!(keys("Je résilierai pas mon abonnement").is_empty());
    assert!(keys("Je le résilie pas, pas de souci").is_empty());
    assert_eq!(keys("Je résilie, pas de regret"), ["intent"]);
    assert!(keys("Je ne vous résilierai plus").is_empty());
}

#[test]
fn a_negation_in_an_earlier_clause_does_not_cancel_the_signal() {
    assert_eq!(
        keys("If this isn't fixed next week I'll cancel my subscription"),
        ["intent:conditional"]
    );
    assert_eq!(
        keys("Si ça ne s'améliore pas, je résilie mon abonnement"),
        ["intent:conditional"]
    );
}

#[test]
fn competitors_pointing_away_fire_and_toward_us_do_not() {
    assert_eq!(keys("Zendesk does all of this for less"), ["competitor"]);
    // Trying a competitor is moving toward it: switching too.
    assert_eq!(
        keys("We're trialling help scout next month"),
        ["competitor", "switching"]
    );
    assert!(keys("We switched from Zendesk last year and never looked back").is_empty());
    assert!(keys("Much better than Zendesk").is_empty());
    assert!(keys("Zendesk is way worse than you").is_empty());
    assert!(keys("Zendesk est bien pire que vous").is_empty());
    assert!(keys("We would never go back to Zendesk").is_empty());
}

#[test]
fn innocent_uses_do_not_fire() {
    for text in [
        "The meeting was cancelled but they rescheduled quickly",
        "I'll leave a review on the store",
        "Got my refund in two days, great service",
        "I switched the setting off and it worked",
        // A payment method or a billing option is no relationship (insurance customers'
        // messages, ACID).
        "How do I cancel my automatic payments?",
        "Please cancel autopay on my account",
        "Can I switch to electronic billing?",
    ] {
        assert!(keys(text).is_empty(), "{text}: {:?}", keys(text));
    }
}

#[test]
fn not_wanting_what_one_holds_is_intent() {
    for text in [
        "I no longer need my policy",
        "I no longer want my insurance",
        "Please stop my policies",
        "I do not want my membership anymore",
        "I do not want to continue my contract",
        "I want to end my subscription",
        "Make sure my policies do not automatically renew",
        "I want to stop doing business with you",
    ] {
        assert_eq!(keys(text), ["intent"], "{text}");
    }
    for text in [
        "Je n'ai plus besoin de mon assurance",
        "Je ne veux plus de mon abonnement",
        "Je ne souhaite plus conserver ce contrat",
    ] {
        assert_eq!(keys(text), ["intent"], "{text}");
    }
    assert!(keys("I would never stop my policy, love you").is_empty());
}

#[test]
fn a_consequence_marks_what_follows_it_not_the_demand_before_it() {
    assert_eq!(
        keys("Fix the billing or we'll cancel"),
        ["intent:conditional"]
    );
    assert_eq!(
        keys("Corrigez la facture, sinon je résilie"),
        ["intent:conditional"]
    );
    // The refund is demanded outright; only the escalation hangs on a condition.
    for text in [
        "Give me my money back or I'll take you to court",
        "Remboursez-moi, sinon je saisis le médiateur",
    ] {
        let mut k = keys(text);
        k.dedup();
        assert_eq!(k, ["refund", "refund:conditional"], "{text}");
    }
    // A condition still reaches back within its clause.
    assert_eq!(
        keys("We will cancel unless this is fixed"),
        ["intent:conditional"]
    );
    let mut honest = keys("If I'm honest, I'm cancelling");
    honest.dedup();
    assert_eq!(honest, ["intent"]);
}

#[test]
fn evidence_quotes_whole_words() {
    let hits = reader().read("Won't be back, ever.", None);
    assert_eq!(hits[0].text, "Won't be back");
    assert_eq!(word_start("Won't", 3), 0);
    assert_eq!(word_start("a b", 2), 2);
}

#[test]
fn the_old_providers_contract_ended_to_come_to_us_is_not_churn() {
    assert!(keys("We ended our contract with our old host to come to you").is_empty());
    assert!(keys("On est passés de Zendesk à chez vous, top").is_empty());
    assert_eq!(
        keys("We are going to end our contract in March"),
        ["intent"]
    );
}

/// The signals a comment gives, each once, sorted (several terms may find the same signal).
fn kinds(text: &str) -> Vec<String> {
    let mut k = keys(text);
    k.sort();
    k.dedup();
    k
}

#[test]
fn a_rhetorical_why_would_says_it_will_not_happen() {
    assert!(kinds("why would I ever switch to another game?? the devs read the forums").is_empty());
    assert!(kinds("Pourquoi j'irais ailleurs ? La clinique est à cinq minutes.").is_empty());
    // Not asked (a statement), or asked after the match: the signal stands.
    assert_eq!(
        kinds("Why would I bother. I'm switching to another provider."),
        ["switching"]
    );
    assert_eq!(
        kinds("We are cancelling our subscription, why would we stay?"),
        ["intent"]
    );
}

#[test]
fn a_competitor_in_the_set_up_is_no_signal_unless_the_respondent_moves() {
    assert!(kinds("Our inbox runs on Zendesk and your widget plugs straight into it.").is_empty());
    assert!(kinds("L'intégration Zendesk marche enfin, merci.").is_empty());
    assert_eq!(
        kinds("The Zendesk sync is broken again, we are moving to Help Scout"),
        ["competitor", "switching"]
    );
}

#[test]
fn a_third_party_before_a_new_subject_is_not_who_leaves() {
    assert_eq!(
        kinds("After the way the manager spoke to my dad you won't be seeing us again"),
        ["disengagement"]
    );
    assert!(kinds("My dad had to get a lawyer after his claim").is_empty());
}

#[test]
fn new_ways_of_leaving_fire_and_their_innocent_twins_do_not() {
    assert_eq!(
        kinds("unsubbing after this month, already uninstalled"),
        ["intent"]
    );
    assert!(kinds("unsubbed from the newsletter, the app is great").is_empty());
    assert_eq!(
        kinds("One more missed deadline and we're finding another accountant."),
        ["switching:conditional"]
    );
    assert!(kinds("Had to cancel my MOT booking because I sold the car").is_empty());
    assert!(kinds("Six lectures cancelled and no cover").is_empty());
    assert_eq!(
        kinds("Still waiting on the refund, seven weeks."),
        ["refund"]
    );
    assert!(kinds("Our old setup was Zendesk, this is far simpler").is_empty());
    assert_eq!(
        kinds("J'ai coupé le renouvellement automatique, tant pis."),
        ["intent"]
    );
    assert_eq!(kinds("On ne nous y reprendra pas."), ["disengagement"]);
    assert_eq!(kinds("Je suis passé par un autre courtier."), ["switching"]);
    assert!(kinds("Deux autres garages n'avaient pas trouvé la panne.").is_empty());
    assert!(kinds(
        "On a mis fin au contrat avec notre ancienne société de ménage pour venir chez vous."
    )
    .is_empty());
}

#[test]
fn the_company_cancelling_is_not_the_respondent_leaving() {
    assert!(kinds("Why did you cancel my policy without telling me?").is_empty());
    assert!(kinds("The insurer cancelled my policy over a missed payment").is_empty());
    assert!(kinds("Vous avez résilié mon contrat sans prévenir").is_empty());
    assert!(kinds("Contrat résilié par l'assureur sans explication").is_empty());
    assert_eq!(kinds("I will cancel my policy next week"), ["intent"]);
    assert_eq!(kinds("Can you cancel my subscription please?"), ["intent"]);
    assert_eq!(kinds("I'll cancel by the end of the month"), ["intent"]);
    assert_eq!(
        kinds("Je demande la résiliation par la présente"),
        ["intent"]
    );
    assert_eq!(
        kinds("Je résilie mon contrat la semaine prochaine"),
        ["intent"]
    );
}

#[test]
fn notice_tenders_and_other_vendors_in_their_many_forms() {
    assert_eq!(
        kinds("We'll be giving our four weeks' notice on Monday."),
        ["intent"]
    );
    assert_eq!(
        kinds("Finance has decided not to extend the PO past December."),
        ["intent"]
    );
    assert_eq!(
        kinds("How do I stop the premium subscription renewing?"),
        ["intent"]
    );
    assert_eq!(
        kinds("We have put the scheme out to tender."),
        ["switching"]
    );
    assert_eq!(
        kinds("We've started trialling a second wholesaler for vaccines."),
        ["switching"]
    );
    assert!(kinds("They didn't extend my trial, a shame").is_empty());
    assert!(kinds("Never again will I do payroll on spreadsheets at midnight.").is_empty());
    assert_eq!(
        kinds("If you put the price up again that'll be the last time I give you any money."),
        ["disengagement:conditional"]
    );
    assert_eq!(
        kinds("On a demandé des devis à deux autres transitaires."),
        ["switching"]
    );
    assert_eq!(
        kinds("On lance un appel d'offres au premier trimestre."),
        ["switching"]
    );
    assert!(kinds("Nettement mieux depuis le changement d'agence.").is_empty());
    assert!(kinds("Plus jamais on attend sous la pluie, merci !").is_empty());
    assert!(kinds("Votre portail suit bien nos litiges douaniers.").is_empty());
    assert_eq!(
        kinds("My manager say we go to zendesk next year."),
        ["competitor", "switching"]
    );
}

#[test]
fn traps_of_the_precision_pair_stay_quiet_and_plain_forms_still_fire() {
    // A question about leaving answered no; someone else leaving; staying despite a parent
    // company's tool; a card stopped, not the relationship.
    assert!(kinds("Résilier ? Certainement pas, la salle est top.").is_empty());
    assert!(kinds("Cancel? No way, you're the best.").is_empty());
    assert!(kinds("Anyone who leaves you for a cheaper bank is mad.").is_empty());
    assert!(kinds("Les gens qui partent chez un concurrent, je ne les comprends pas.").is_empty());
    assert!(kinds("My friend uses Zendesk and loves it.").is_empty());
    assert!(kinds("Avant vous, on était sur Zendesk.").is_empty());
    assert!(kinds("Can I freeze my membership instead of cancelling it?").is_empty());
    assert!(kinds("What's your cancellation policy for group bookings?").is_empty());
    assert!(kinds("Please unsubscribe me from the weekly promo emails.").is_empty());
    assert!(kinds("Finally proper dairy alternatives, the oat flat white is spot on.").is_empty());
    // The forms those exceptions sit beside.
    assert_eq!(kinds("Désabonnez-moi de la box beauté."), ["intent"]);
    assert_eq!(kinds("Three no-shows. Cancel my contract."), ["intent"]);
    assert_eq!(kinds("We are going to another bank."), ["switching"]);
    assert_eq!(
        kinds("We won't be renewing, we've signed with Zendesk."),
        ["competitor", "intent", "switching"]
    );
    assert_eq!(
        kinds("wont be flying with u again, lost bag"),
        ["disengagement"]
    );
}

#[test]
fn where_they_are_going_is_not_a_condition_and_a_near_miss_reaches_its_verb_phrase() {
    assert_eq!(
        kinds("Opened an account with another bank and I'm moving my salary over."),
        ["switching"]
    );
    assert_eq!(
        kinds("One more outage and I'm switching to another provider."),
        ["switching:conditional"]
    );
    assert!(kinds(
        "L'an passé, j'étais à deux doigts d'envoyer ma lettre de résiliation ; tout est réglé."
    )
    .is_empty());
    // A negation stays within its own reach: "no" eight words back negates nothing here.
    assert_eq!(
        kinds("No reply to my emails for weeks so we will be cancelling our subscription"),
        ["intent"]
    );
}

#[test]
fn a_marker_qualifies_the_signal_it_overlaps_and_never_takes_its_words() {
    // The condition "one more … and I cancel" is a longer match than "cancel": it once
    // removed the signal it should only have marked.
    assert_eq!(
        keys("One more outage and I cancel."),
        ["intent:conditional"]
    );
    assert_eq!(
        keys("One more outage and I switch."),
        ["switching:conditional"]
    );
    assert_eq!(
        keys("Encore une panne et je résilie."),
        ["intent:conditional"]
    );
    // A direction marker only ever silences: "compare" no longer reads as "comparativement".
    assert_eq!(
        kinds("Je ne renouvelle pas, je compare les offres des autres assureurs."),
        ["intent", "switching"]
    );
    assert!(
        kinds("On avait comparé Zendesk et Freshdesk avant de vous choisir, aucun regret.")
            .is_empty()
    );
}

#[test]
fn a_contract_ended_elsewhere_to_come_to_us_is_not_leaving_us() {
    assert!(kinds(
        "J'ai résilié mon contrat chez mon ancien prestataire pour venir chez vous, aucun regret."
    )
    .is_empty());
    assert!(kinds("I cancelled my old broadband contract to come to you.").is_empty());
    // Only a direction toward "you", after the match and in its clause.
    assert_eq!(
        kinds("I'm cancelling, and my old provider was cheaper anyway."),
        ["intent"]
    );
    assert_eq!(
        kinds("Cancel my account, I have no more use for you."),
        ["intent"]
    );
}

#[test]
fn an_adverb_may_stand_between_going_and_the_competitor() {
    assert_eq!(
        kinds("Encore une hausse et je file direct chez Zendesk."),
        ["competitor:conditional", "switching:conditional"]
    );
    assert_eq!(
        kinds("We're going straight to Zendesk."),
        ["competitor", "switching"]
    );
}

#[test]
fn an_app_deleted_is_leaving_but_not_when_reinstalled() {
    assert_eq!(kinds("I'm uninstalling the app tonight."), ["intent"]);
    assert_eq!(kinds("Going to delete the app, not worth it."), ["intent"]);
    assert!(kinds("Had to uninstall and reinstall the app twice before it worked.").is_empty());
    assert!(kinds("Support told me to delete the app and reinstall it.").is_empty());
}

#[test]
fn the_old_way_is_toward_us_but_a_past_feeling_is_not() {
    assert!(kinds("We used to run our own Jenkins box and I said never again.").is_empty());
    assert_eq!(
        kinds("We used to have faith in you, now we're moving to Zendesk."),
        ["competitor", "switching"]
    );
}

#[test]
fn the_eighth_rounds_forms_and_their_look_alikes() {
    assert_eq!(kinds("jme casse à la fin du mois, ciao"), ["intent"]);
    assert!(kinds("Je me casse la tête avec votre appli.").is_empty());
    assert_eq!(
        kinds("Mon dentiste m'a dit : vous ne me reverrez plus jamais ici."),
        ["disengagement"]
    );
    assert!(kinds("Mon dentiste m'a dit « vous ne me reverrez pas avant un an ».").is_empty());
    assert_eq!(
        kinds("J'ai demandé des offres à deux autres caisses."),
        ["switching"]
    );
    assert!(kinds("Des offres à deux euros, super.").is_empty());
    assert_eq!(
        kinds("Please refund the amount at the earliest."),
        ["refund"]
    );
    assert!(kinds("They refunded the amount within a week.").is_empty());
    assert!(kinds("I was this close to cancelling in March, but you fixed it.").is_empty());
    assert_eq!(
        kinds("From now on I will be using another courier."),
        ["switching"]
    );
    assert!(kinds("From now on I'll use another browser for your site.").is_empty());
    assert_eq!(kinds("Je ne le prolongerai pas, c'est décidé."), ["intent"]);
}

#[test]
fn the_ninth_rounds_rules_words_not_the_writers_own() {
    // Someone else's speech, quoted after a verb of saying; the writer's own is kept.
    assert!(
        kinds(r#"A guest wrote in saying "I'll never stay here again" and rebooked."#).is_empty()
    );
    assert_eq!(
        kinds(r#"I told them "cancel my account" twice last week."#),
        ["intent"]
    );
    // Cancellations as a topic a business handles; the people it serves.
    assert!(kinds("Membership cancellations now land in one queue.").is_empty());
    assert!(kinds("Half our calls are patients wanting to cancel appointments.").is_empty());
    // A third party reaches no further than its sentence.
    assert_eq!(
        kinds("Service client aux abonnés absents. Litige ouvert chez PayPal."),
        ["refund"]
    );
    // A marker inside the signal's own words marks nothing.
    assert_eq!(
        kinds("We're evaluating their module as a replacement for you."),
        ["switching"]
    );
    // "que je passe chez vous" is ordering, not coming over.
    assert_eq!(
        kinds("C'est la dernière commande que je passe chez vous."),
        ["disengagement"]
    );
}

#[test]
fn a_title_heard_and_english_on_are_not_the_writers_leaving() {
    assert!(kinds("Écouté « Je m'en vais » de Vianney hier soir : son parfait.").is_empty());
    assert!(kinds("Anyone still on Zendesk is missing out.").is_empty());
    // French "on" is still a subject of its own after someone else.
    assert_eq!(
        kinds("Ma sœur trouve qu'on part chez Zendesk trop vite."),
        ["competitor", "switching"]
    );
}

#[test]
fn a_rival_not_on_the_list_is_read_from_instead_or_from_now_on() {
    assert_eq!(
        kinds("Half the order substituted again. Looking at Ocado instead."),
        ["switching"]
    );
    assert_eq!(
        kinds("Surge pricing is robbery. Using Bolt from now on."),
        ["switching"]
    );
    assert_eq!(
        kinds("On passe chez Free désormais, marre des pannes."),
        ["switching"]
    );
    // A place, a person, a rival without "instead", someone else's move.
    assert!(kinds("Off to Spain next month, the app worked abroad.").is_empty());
    assert!(kinds("Spoke to Sarah instead of the bot, she was great.").is_empty());
    assert!(kinds("My sister is using Bolt instead.").is_empty());
}

#[test]
fn the_eleventh_rounds_b2b_forms() {
    assert_eq!(
        kinds("We'll cancel the remaining seats here once the data has moved."),
        ["intent"]
    );
    assert!(kinds("Please cancel a seat for a leaver, the admin page won't let me.").is_empty());
    assert!(
        kinds("Our old contract with Freshdesk ended and we moved everyone over to you.")
            .is_empty()
    );
    assert_eq!(
        kinds("Si le connecteur Teams n'arrive pas au T1, on partira chez Zendesk."),
        ["competitor:conditional", "switching:conditional"]
    );
    assert_eq!(
        kinds("We'll be asking for the onboarding fee back."),
        ["refund"]
    );
}
