"""Behaviour of the rule-first safety detector, in the voices people actually write in."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.safety import RULES_VERSION, assess_risk, detect_language
from service.taxonomy import RiskCategory, RiskLevel

NONE, CONCERN, ELEVATED, URGENT = (
    RiskLevel.NONE,
    RiskLevel.CONCERN,
    RiskLevel.ELEVATED,
    RiskLevel.URGENT,
)
SH = RiskCategory.SELF_HARM
PV = RiskCategory.PARTNER_VIOLENCE
CC = RiskCategory.COERCIVE_CONTROL
CS = RiskCategory.CHILD_SAFETY


def _case(
    text: str, level: RiskLevel, *cats: RiskCategory
) -> tuple[str, RiskLevel, set[RiskCategory]]:
    return (text, level, set(cats))


URGENT_CASES = [
    _case("I took all my sleeping pills about 20 minutes ago", URGENT, SH),
    _case("counted out the pills, they're lined up on the desk", URGENT, SH),
    _case("tonight I'll end it. I'm sorry", URGENT, SH),
    _case("wrote goodbye letters to my kids and my mom", URGENT, SH),
    _case("im standing on the bridge rn", URGENT, SH),
    _case("I want to die and I've been saving up my meds", URGENT, SH),
    _case("gonna kill myself tonight nobody will even notice", URGENT, SH),
    _case("he's banging on the door and I'm hiding in the bathroom", URGENT, PV),
    _case("she has a knife and she's screaming", URGENT, PV),
    _case("hes choking me", URGENT, PV),
    _case("he said he'll kill me tonight when he gets home", URGENT, PV),
    _case("I'm hiding from him in the car, please help", URGENT, PV),
    _case("he is hitting the baby right now", URGENT, CS),
    _case("Heute Nacht bringe ich mich um.", URGENT, SH),
    _case("Ich habe alle meine Tabletten genommen", URGENT, SH),
    _case("Er hat ein Messer und schreit rum", URGENT, PV),
    _case("Ce soir je vais me tuer", URGENT, SH),
    _case("j'ai pris toute la boîte de somnifères", URGENT, SH),
    _case("il est en train de me frapper", URGENT, PV),
    _case("Esta noche me voy a matar", URGENT, SH),
    _case("me tomé todas mis pastillas", URGENT, SH),
    _case("me está golpeando ayuda", URGENT, PV),
    _case("tiene un cuchillo y está borracho", URGENT, PV),
]

ELEVATED_CASES = [
    # partner violence, recent
    _case("he shoved me into the counter last week", ELEVATED, PV),
    _case("my husband hit me again on saturday", ELEVATED, PV),
    _case("She slapped me in front of her parents", ELEVATED, PV),
    _case("he choked me during the fight on sunday", ELEVATED, PV),
    _case("threw a plate at me bc dinner was late", ELEVATED, PV),
    _case("he pushed me and I fell", ELEVATED, PV),
    _case("Er hat mich geschlagen.", ELEVATED, PV),
    _case("Er hat einen Teller nach mir geworfen", ELEVATED, PV),
    _case("il m'a frappée hier soir devant les enfants", ELEVATED, PV),
    _case("me pegó ayer", ELEVATED, PV),
    _case("mi esposo me empujó contra la pared", ELEVATED, PV),
    # threats
    _case("he said I'll regret leaving him", ELEVATED, CC),
    _case("she keeps saying nobody would believe me anyway", ELEVATED, CC),
    _case("'if you leave I'll take the kids' is what he yelled", ELEVATED, CC),
    _case("he threatens to kill himself if I leave", ELEVATED, CC),
    _case("sagt immer: dir glaubt eh keiner", ELEVATED, CC),
    _case("il m'a dit que personne ne me croira", ELEVATED, CC),
    _case("dice que nadie me va a creer", ELEVATED, CC),
    _case("he said he would hurt me if i told anyone", ELEVATED, PV),
    # monitoring / isolation / economic control
    _case("he checks my phone every night", ELEVATED, CC),
    _case("she tracks my location 24/7", ELEVATED, CC),
    _case("he won't let me see my friends anymore", ELEVATED, CC),
    _case("takes my car keys so I can't go anywhere", ELEVATED, CC),
    _case("he controls all the money and gives me an allowance", ELEVATED, CC),
    _case("I'm not allowed to go out without him", ELEVATED, CC),
    _case("Er kontrolliert mein Handy", ELEVATED, CC),
    _case("Sie lässt mich nicht mehr zu meinen Eltern", ELEVATED, CC),
    _case("il contrôle mon téléphone", ELEVATED, CC),
    _case("il ne me laisse pas voir mes amies", ELEVATED, CC),
    _case("revisa mi celular todos los días", ELEVATED, CC),
    _case("no me deja ver a mi familia", ELEVATED, CC),
    # self-harm thoughts without a plan
    _case("everyone would be better off without me", ELEVATED, SH),
    _case("i dont want to wake up tomorrow", ELEVATED, SH),
    _case("honestly I want to disappear forever", ELEVATED, SH),
    _case("been thinking about ending it", ELEVATED, SH),
    _case("started hurting myself again", ELEVATED, SH),
    _case("i wanna dieee", ELEVATED, SH),
    _case("kms fr", ELEVATED, SH),
    _case("I'm so suicidal lately", ELEVATED, SH),
    _case("Ich will nicht mehr leben", ELEVATED, SH),
    _case("ohne mich wären alle besser dran", ELEVATED, SH),
    _case("je veux mourir", ELEVATED, SH),
    _case("je ne veux plus vivre", ELEVATED, SH),
    _case("quiero morirme", ELEVATED, SH),
    _case("ya no quiero vivir", ELEVATED, SH),
    # child safety
    _case("he hits the kids when he's drunk", ELEVATED, CS),
    _case("she leaves our toddler alone for hours", ELEVATED, CS),
    _case("he was drunk with the kids again", ELEVATED, CS),
    _case("Er schlägt die Kinder", ELEVATED, CS),
    _case("il frappe les enfants", ELEVATED, CS),
    _case("le pega a los niños", ELEVATED, CS),
]

CONCERN_CASES = [
    _case("what's the point anymore", CONCERN),
    _case("nothing will ever change with us", CONCERN),
    _case("I can't go on like this", CONCERN),
    _case("he scares me sometimes", CONCERN),
    _case("I feel so hopeless about us", CONCERN),
    _case("ich kann nicht mehr", CONCERN),
    _case("es hat alles keinen Sinn mehr", CONCERN),
    _case("à quoi bon", CONCERN),
    _case("j'en peux plus", CONCERN),
    _case("ya no aguanto más", CONCERN),
    _case("me da miedo a veces", CONCERN),
]

NONE_CASES = [
    _case("We had a lovely dinner and talked for hours", NONE),
    _case("he forgot our anniversary again, annoyed", NONE),
    _case("We argued about the dishes but made up", NONE),
    _case("Wir hatten einen schönen Abend zusammen", NONE),
    _case("On a passé un bon week-end", NONE),
    _case("Fuimos al cine y cenamos juntos", NONE),
    _case("I check my phone way too much when we're together", NONE),
]

CONTEXT_CASES = [
    # negation
    _case("I would never hurt myself, just tired", NONE),
    _case("he has never hit me, he just sulks", NONE),
    _case("not suicidal, just sad", NONE),
    _case("I don't want to die, I want things to be better", NONE),
    _case("he didn't hit me but he yelled", NONE),
    _case("Er hat mich nie geschlagen", NONE),
    _case("il ne m'a jamais frappée", NONE),
    _case("nunca me ha pegado", NONE),
    _case("I'm not suicidal but I want to disappear forever", ELEVATED, SH),
    _case("I can't stop thinking about killing myself", ELEVATED, SH),
    # hypotheticals and questions about others
    _case("what if someone threatens to kill you, what do you do?", NONE),
    _case("hypothetically if a person hits their partner is it abuse", NONE),
    _case("Was wäre, wenn jemand dich schlägt?", NONE),
    _case("y si alguien te pega, qué haces?", NONE),
    # fiction and media
    _case("the movie was about a guy who wants to kill himself", NONE),
    _case("we watched a documentary about domestic violence", NONE),
    _case("the podcast was about suicide and it made me think", NONE),
    _case("In dem Film geht es um häusliche Gewalt", NONE),
    # idioms
    _case("this commute is killing me", NONE),
    _case("I could kill him for eating my fries lol", NONE),
    _case("dying to see her this weekend!!", NONE),
    _case("my boss will murder me if I'm late again", NONE),
    _case("killing it at work this week", NONE),
    _case("ich bring dich um wenn du noch einmal meine Schokolade isst 😂", NONE),
    _case("me muero de hambre", NONE),
    _case("mon patron va me tuer", NONE),
    _case("then it hit me that we never talk anymore", NONE),
    _case("my sister beat me at chess again", NONE),
    _case("she pushed me to apply for the job, so proud", NONE),
    _case("cut myself chopping onions lmao", NONE),
    _case("I think we should end things with a trip", NONE),
    # jokes about oneself stay a gentle concern
    _case("if I have to watch that show again I'll kill myself lol", CONCERN),
    # past and resolved
    _case("years ago in a previous relationship I was hit, now I'm safe", CONCERN),
    _case("my ex used to hit me but that's all behind me now", CONCERN),
    _case("Vor Jahren hat mich mein Ex geschlagen, heute bin ich in Sicherheit", CONCERN),
    _case("I used to self harm as a teen, clean for 6 years now", CONCERN),
    # past but not resolved stays elevated
    _case("my ex used to hit me and he still shows up at my work", ELEVATED, PV, CC),
    # the writer's own danger wins over a mention of someone else
    _case("he hit me and my sister saw it", ELEVATED, PV),
    _case("my friend is suicidal and honestly I want to die too", ELEVATED, SH),
    # someone else's partner, someone else's risk
    _case("my sister's husband hits her", CONCERN),
    # regressions found while probing
    _case("He gets so angry he punches walls", ELEVATED, PV),
    _case("He threw my phone against the wall", ELEVATED, PV),
    _case("He said if I leave he'll kill himself", ELEVATED, CC),
    _case("He threatened me with a knife last year", ELEVATED, PV),
    _case("we had a fight and I said I want to end it", NONE),
    _case("I sometimes wish I could disappear for a weekend", NONE),
    _case("he is killing me slowly", ELEVATED, PV),
    _case("ugh I want to die this hangover is brutal lol", CONCERN),
    _case("Ich will einfach nur sterben", ELEVATED, SH),
    _case("Ich denke oft daran, mich umzubringen", ELEVATED, SH),
    _case("Il m'a dit que je vais le regretter", ELEVATED, CC),
    _case("Ich bringe die Kinder um 8 zur Schule", NONE),
    _case("the baby kicked me all night lol pregnancy is wild", NONE),
    _case("he is very jealous and gets upset when I talk to guys", NONE),
    _case("Er würgt mich gerade", URGENT, PV),
]

# Paraphrases (never training texts) for the rules added for indirect wording, in four languages.
INDIRECT_CASES = [
    # violence told indirectly, injuries explained away, weapons in conflict
    _case("my wife grabbed me so hard it left marks on my wrist", ELEVATED, PV),
    _case("she's thrown a mug at me before when she was angry", ELEVATED, PV),
    _case("he threw me into the wardrobe last weekend", ELEVATED, PV),
    _case("if he's been drinking he hits. not every time", ELEVATED, PV),
    _case("I needed stitches, we told the ER I tripped over the dog", ELEVATED, PV),
    _case("he keeps a rifle in the garage and reminds me about it when we argue", ELEVATED, PV),
    _case("he drives really fast on purpose to scare me", ELEVATED, PV),
    _case("Er hat mich gestern gegen die Wand gestoßen", ELEVATED, PV),
    # threats and control
    _case("he said he'd share my private pictures with my boss if I leave", ELEVATED, CC),
    _case("my husband texted me that I'd better watch my back", ELEVATED, PV),
    _case("he has my location on all the time and gets mad if I turn it off", ELEVATED, CC),
    _case("my husband has to approve everything I buy", ELEVATED, CC),
    _case("she decides what I eat and when I can sleep", ELEVATED, CC),
    _case("he changed all my passwords so I can't get into my email", ELEVATED, CC),
    _case("he put some app on my phone and now he knows everything I text", ELEVATED, CC),
    _case("she flushed my medication and says I'm better without it", ELEVATED, CC),
    _case("he won't let me go to the doctor alone", ELEVATED, CC),
    _case("whenever I try to see my friends he starts a fight", ELEVATED, CC),
    _case("he said he'll call immigration on me if I tell anyone", ELEVATED, CC),
    _case("if I go to a lawyer he says he'll make sure he gets the children", ELEVATED, CC),
    _case("Er hat meine Passwörter geändert", ELEVATED, CC),
    _case("il a changé tous mes mots de passe", ELEVATED, CC),
    _case("me cambió todas mis contraseñas", ELEVATED, CC),
    # self-harm ideation in indirect words
    _case("lately I just want to fall asleep and never wake up", ELEVATED, SH),
    _case("they'd all be better off if I was gone", ELEVATED, SH),
    _case("I'm worth more dead than alive with the insurance", ELEVATED, SH),
    _case("I don't see any point in living anymore", ELEVATED, SH),
    _case("I've been hitting myself when we fight", ELEVATED, SH),
    _case("been cutting my arms again since the breakup", ELEVATED, SH),
    _case("on the highway I think about how easy it'd be to just drive into a wall", ELEVATED, SH),
    _case("I got discharged from the psych ward last week", ELEVATED, SH),
    _case("the suicidal thoughts came back this week", ELEVATED, SH),
    _case("Ohne mich wären sie glücklicher, ich bin tot mehr wert", ELEVATED, SH),
    _case("je ne vois plus l'intérêt de vivre", ELEVATED, SH),
    _case("no le veo sentido a la vida", ELEVATED, SH),
    # child safety
    _case("he's very rough with the kids when I'm not around", ELEVATED, CS),
    _case("my son refuses to be alone with his stepdad", ELEVATED, CS),
    _case("she locks our daughter in the basement when she misbehaves", ELEVATED, CS),
    _case("he leaves our kids (2 and 5) alone to go drinking", ELEVATED, CS),
    _case("my toddler came home from his dad's with bruises on his back", ELEVATED, CS),
    _case("he snorts coke in the living room with the baby right there", ELEVATED, CS),
    _case("he keeps a loaded pistol in the kids' toy cupboard", ELEVATED, CS),
    _case("él es muy brusco con los niños", ELEVATED, CS),
    # imminent: plans, means, danger now
    _case("the pills are all counted out on my dresser", URGENT, SH),
    _case("plan is to drive to the bridge after work", URGENT, SH),
    _case("I'm going to drive off the road on the way home", URGENT, SH),
    _case("sent my sister a goodbye message, nobody will find me in time", URGENT, SH),
    _case("I just want to die, there's a knife in the drawer", URGENT, SH),
    _case("he's on his way and said I'm dead when he gets here", URGENT, PV),
    _case("she slapped me an hour ago and she's still in the house yelling", URGENT, PV),
    _case("he's standing in front of the door and won't let me out", URGENT, PV),
    _case("he took my keys and I'm locked in the bedroom", URGENT, CC),
    _case("he drove off drunk with the kids in the back", URGENT, CS),
    _case("my ex took our son and texted that I'll never see him again", URGENT, CS, CC),
    _case("J'ai tout préparé, les lettres sont écrites, je le fais ce soir", URGENT, SH),
    _case("Ya tengo las pastillas guardadas para esta noche", URGENT, SH),
    _case("il m'a enfermée dans la chambre, il revient bientôt", URGENT, CC),
    # ...and what must stay calm
    _case("I almost killed myself laughing at his dad jokes", NONE),
    _case("she threw a pillow at me when I made a bad pun", NONE),
    _case("we do paintball every month, bruises from the shots every time", NONE),
    _case("he took my keys because I'd been drinking at the party, fair enough", NONE),
    _case("She tracks my location and I track hers too, we like it that way", NONE),
    _case("I hid his phone as a joke during dinner", NONE),
    _case("he's going to kill me when he sees the credit card bill 😅", NONE),
    _case("I'll strangle her if she leaves wet towels on the floor again 🙄", NONE),
    _case("I'm a nurse and we had an overdose patient today", NONE),
    _case("Wir haben einen Krimi geschaut, ging um Stalking", NONE),
    _case("este trabajo me está matando pero lo amo", NONE),
    _case("If he ever laid a hand on me I'd leave the same day", NONE),
    _case("he asked if I'm not allowed to have an opinion?", NONE),
    _case("the doctor says I'm not allowed to lift anything heavy", NONE),
    _case("I work on a psych ward and tonight's shift was rough", NONE),
    _case("she grabbed me by the hand and we danced all night", NONE),
    _case("my son came home with a bruise on his arm from football practice", NONE),
    _case("Er hat meine Passwörter geändert, weil ich ihn gebeten habe", NONE),
    _case(
        "the relationship I got out of in 2012 was abusive, I'm married to a kind man now", CONCERN
    ),
    _case("my friend keeps talking about ending it all, I'm going over tonight", CONCERN),
    _case("a kid in my son's class shows up with bruises, we told the school", CONCERN),
    _case("my daughter's boyfriend told her he cuts himself", CONCERN),
]

THIRD_PARTY_CASES = [
    "my sister's husband hits her",
    "my friend is suicidal and I don't know how to help",
    "My best friend told me she wants to die",
    "my coworker's boyfriend checks her phone all the time",
    "Meine Schwester sagt, ihr Mann schlägt sie. Sie will sich umbringen.",
    "la copine de mon frère est suicidaire",
    "mi amiga quiere morir",
    "Meine Freundin sagt, ihr Freund kontrolliert ihr Handy",
    "my dad killed himself when I was 12",
]


@pytest.mark.parametrize(
    ("text", "level", "categories"),
    URGENT_CASES + ELEVATED_CASES + CONCERN_CASES + NONE_CASES + CONTEXT_CASES + INDIRECT_CASES,
)
def test_level_and_categories(text: str, level: RiskLevel, categories: set[RiskCategory]) -> None:
    result = assess_risk(text)
    assert result.level is level, result
    assert set(result.categories) == categories, result


@pytest.mark.parametrize("text", THIRD_PARTY_CASES)
def test_third_party_risk_is_concern_without_categories(text: str) -> None:
    result = assess_risk(text)
    assert result.third_party is True, result
    assert result.level is CONCERN
    assert result.categories == ()
    assert result.evidence


@pytest.mark.parametrize(
    "text",
    ["he hit me and my sister saw it", "my friend is suicidal and I feel hopeless too"],
)
def test_writer_risk_is_not_third_party(text: str) -> None:
    assert assess_risk(text).third_party is False


@pytest.mark.parametrize(
    ("text", "mood", "level", "categories"),
    [
        ("fine day, nothing to report", 1, CONCERN, set()),
        ("", 1, CONCERN, set()),
        ("what's the point, nothing will ever change", 1, ELEVATED, {SH}),
        ("was bringt das alles noch", 1, ELEVATED, {SH}),
        ("what's the point, nothing will ever change", 3, CONCERN, set()),
        ("fine day, nothing to report", 2, NONE, set()),
        ("he shoved me yesterday", 5, ELEVATED, {PV}),
        ("tonight I'll end it", 5, URGENT, {SH}),
        ("we laughed a lot today", 1, CONCERN, set()),
    ],
)
def test_mood_numbers_raise_and_never_lower(
    text: str, mood: int, level: RiskLevel, categories: set[RiskCategory]
) -> None:
    result = assess_risk(text, mood=mood, connection=1)
    assert result.level is level, result
    assert set(result.categories) == categories
    if mood == 1:
        assert any(e.label == "mood" and e.start == -1 and e.end == -1 for e in result.evidence)


def test_connection_alone_does_not_raise() -> None:
    assert assess_risk("all good", connection=1).level is NONE


@pytest.mark.parametrize(
    ("text", "quote", "label"),
    [
        ("Sooo... he SHOVED me yesterday", "SHOVED me", "partner_violence"),
        ("Honestly everyone would be better off without me.", "better off without me", "self_harm"),
        ("il m’a frappée hier", "m’a frappée", "partner_violence"),
        ("Er kontrolliert mein Handy 😞", "kontrolliert mein Handy", "coercive_control"),
        ("i wanna dieee", "wanna dieee", "self_harm"),
        ("kms", "kms", "self_harm"),
        ("He’s  choking   me", "He’s  choking   me", "partner_violence"),
        ("Straße. Er schlägt mich jeden Tag", "schlägt mich", "partner_violence"),
    ],
)
def test_spans_point_at_original_text(text: str, quote: str, label: str) -> None:
    result = assess_risk(text)
    matching = [e for e in result.evidence if e.label == label]
    assert matching, result
    for e in result.evidence:
        if e.start >= 0:
            assert text[e.start : e.end] == e.quote
    assert any(e.quote == quote for e in matching), matching


def test_urgent_timing_word_is_evidence() -> None:
    result = assess_risk("gonna end it tonight")
    assert result.level is URGENT
    assert {e.quote for e in result.evidence} >= {"end it", "tonight"}
    assert all(e.rule for e in result.evidence)


def test_rule_ids_are_stable_and_namespaced() -> None:
    result = assess_risk("he checks my phone and tracks my location")
    assert {e.rule for e in result.evidence} == {
        "en.coercive_control.monitoring",
        "en.coercive_control.tracking",
    }


def test_categories_are_sorted_and_unique() -> None:
    result = assess_risk("he hit me, he checks my phone, he hits the kids, I want to die")
    assert list(result.categories) == sorted(set(result.categories), key=lambda c: c.value)
    assert set(result.categories) == {SH, PV, CC, CS}


def test_assessment_carries_version_and_language() -> None:
    result = assess_risk("Er hat mich geschlagen")
    assert result.rules_version == RULES_VERSION
    assert result.language == "de"


@pytest.mark.parametrize(
    ("text", "locale", "language"),
    [
        ("I feel like we never talk anymore", None, "en"),
        ("Ich habe das Gefühl, dass wir nicht mehr reden", None, "de"),
        ("J'ai l'impression qu'on ne se parle plus", None, "fr"),
        ("Siento que ya no hablamos con mi pareja", None, "es"),
        ("ok", "de-AT", "de"),
        ("ok", None, "und"),
        ("", "fr_FR", "fr"),
        ("🙂🙂", "ja-JP", "und"),
        ("I feel alone with him", "es-MX", "en"),
    ],
)
def test_detect_language(text: str, locale: str | None, language: str) -> None:
    assert detect_language(text, locale) == language


@settings(max_examples=300, deadline=None)
@given(st.text(), st.one_of(st.none(), st.integers(min_value=-3, max_value=8)))
def test_never_raises_and_spans_match(text: str, mood: int | None) -> None:
    result = assess_risk(text, mood=mood)
    assert result.level in tuple(RiskLevel)
    for e in result.evidence:
        if e.start >= 0:
            assert 0 <= e.start <= e.end <= len(text)
            assert text[e.start : e.end] == e.quote


_DANGER = st.sampled_from(
    [
        "he hit me",
        "I want to die",
        "il m'a frappée",
        "er kontrolliert mein Handy",
        "me pegó",
        "tonight",
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(_DANGER, st.text(max_size=12)), max_size=6).map(" ".join))
def test_spans_match_on_mixed_danger_text(text: str) -> None:
    for e in assess_risk(text).evidence:
        if e.start >= 0:
            assert text[e.start : e.end] == e.quote


def test_long_text_is_fast() -> None:
    text = ("we talked about the week and he said he loves me. " * 200) + "he hit me."
    started = time.perf_counter()
    result = assess_risk(text)
    assert time.perf_counter() - started < 2.0
    assert result.level is ELEVATED


@pytest.mark.parametrize(
    "text",
    [
        "I don't have time to live or take care of myself at times.",
        "I recently broke up and honestly I'm proud of myself",
        "In the last ten months I've been kicked out, moved around three times, worked many jobs.",
    ],
)
def test_everyday_phrases_seen_in_real_questions_are_not_danger(text: str) -> None:
    """Found by reading CounselChat outputs: 'of myself' and 'kicked out' are not harm."""
    assert not assess_risk(text).level.at_least(RiskLevel.ELEVATED)
