"""Safety rules 4: context. Whose story a text tells, professional context, long past stories,
self-injury next to a means, quoted speech, low mood about the couple, sport and play.

Every example here was written for this file; none is copied from the labelled data. Each fix
has texts the context must explain away (below elevated) and texts it must leave alone.
"""

from __future__ import annotations

import pytest

from service.safety import RULES_VERSION, assess_risk
from service.safety.context import ContextAnalyser
from service.safety.mentions import Referent, find_mentions, quoted_spans
from service.safety.normalize import normalize
from service.safety.rule import Attribution
from service.taxonomy import RiskCategory, RiskLevel

SH = RiskCategory.SELF_HARM
PV = RiskCategory.PARTNER_VIOLENCE
CC = RiskCategory.COERCIVE_CONTROL
CS = RiskCategory.CHILD_SAFETY

Case = tuple[str, str]


def _below_elevated(text: str, locale: str, mood: int | None = None) -> None:
    risk = assess_risk(text, locale=locale, mood=mood)
    assert not risk.level.at_least(RiskLevel.ELEVATED), (text, risk)


def _at_least_elevated(
    text: str, locale: str, category: RiskCategory | None = None, mood: int | None = None
) -> None:
    risk = assess_risk(text, locale=locale, mood=mood)
    assert risk.level.at_least(RiskLevel.ELEVATED), (text, risk)
    if category is not None:
        assert category in risk.categories, (text, risk)


def _kinds(text: str, locale: str) -> set[str]:
    return {c.kind for c in assess_risk(text, locale=locale).defusing}


def test_rules_version_is_bumped() -> None:
    assert RULES_VERSION == "safety-rules-4"


# --- 1. whose story it is ------------------------------------------------------------------------
SOMEONE_ELSES_STORY: list[Case] = [
    (
        "My sister Dana has been with Rob for six years. They live two streets from us. Last month"
        " she finally told me what's been going on. He checks her phone every night, and she has to"
        " send him her location when she's out. On Saturday he shoved her against the fridge. I"
        " don't know how to help her without pushing her away.",
        "en-GB",
    ),
    (
        "My best friend Lena came over last night. We've known each other since primary school."
        " She's been with her boyfriend for two years and he was always a bit possessive. She says"
        " it got worse when they moved in together. Now he reads her messages every night. Last"
        " week he slapped her because she came home late.",
        "en-GB",
    ),
    (
        "I'm worried about my brother. He's drinking again since he lost his job. At a barbecue on"
        " Sunday he drove off drunk with the kids in the back, and his wife says he's punched the"
        " walls. We're going to talk to him together.",
        "en-NZ",
    ),
    (
        "Our son's friend Jayden told him his mum's boyfriend hits him with a belt. We're calling"
        " the school tomorrow.",
        "en-US",
    ),
    (
        "Our son's classmate told him his stepdad hits him when he's drunk. We're phoning the school"
        " first thing.",
        "en-GB",
    ),
    ("My neighbour's daughter came over with bruises on her arms again.", "en-GB"),
    (
        "Es geht um meine Schwester, nicht um mich. Sie ist seit drei Jahren mit Tobias zusammen."
        " Am Anfang war alles gut. Seit dem Umzug ist er anders geworden. Er kontrolliert ihr Handy"
        " jeden Abend und liest ihre Nachrichten.",
        "de-DE",
    ),
    (
        "C'est à propos de ma meilleure amie, pas de moi. Elle est avec Julien depuis deux ans. Au"
        " début tout allait bien. Depuis qu'ils ont emménagé ensemble, il a changé. Il frappe les"
        " enfants quand il a bu.",
        "fr-FR",
    ),
    (
        "La maman d'une copine de classe de mon fils est venue la chercher avec des bleus sur les"
        " bras.",
        "fr-BE",
    ),
    (
        "Les escribo por mi hermana. Está con Marcos hace tres años. Al principio todo bien. Desde"
        " que se mudaron juntos él cambió mucho. Dice que se quiere matar y le pega a los niños.",
        "es-MX",
    ),
]

OWN_STORY: list[tuple[str, str, RiskCategory | None]] = [
    (
        "My sister came for dinner on Sunday and we had a nice time. After she left, my husband"
        " grabbed me by the throat and said I'd embarrassed him.",
        "en-GB",
        PV,
    ),
    (
        "My mum visited last week. It was lovely having her. Then he started again. He checks my"
        " phone every night and won't let me see my friends.",
        "en-GB",
        CC,
    ),
    (
        "My friend's husband hits her, which is awful. As for us, my husband has started reading"
        " my messages and last week he shoved me.",
        "en-GB",
        None,
    ),
    ("My son told me his dad hits him when I'm at work.", "en-GB", None),
    (
        "My sister has been staying with us since her divorce. The kids adore her. He hits them"
        " when he drinks.",
        "en-GB",
        CS,
    ),
    (
        "My best friend Kat moved in with us in March. She works nights. The bruises on my arms are"
        " getting harder to hide.",
        "en-GB",
        PV,
    ),
    (
        "Mi hermana vino a cenar el domingo. Después mi marido me empujó contra la pared y me dijo"
        " que me iba a matar.",
        "es-ES",
        PV,
    ),
]


@pytest.mark.parametrize(("text", "locale"), SOMEONE_ELSES_STORY)
def test_someone_elses_story_stays_theirs(text: str, locale: str) -> None:
    _below_elevated(text, locale)
    assert "third_party" in _kinds(text, locale)


@pytest.mark.parametrize(("text", "locale", "category"), OWN_STORY)
def test_the_writers_own_risk_next_to_someone_elses_story(
    text: str, locale: str, category: RiskCategory | None
) -> None:
    _at_least_elevated(text, locale, category)


def test_mentions_of_someone_elses_child_and_parent() -> None:
    text = normalize(
        "My neighbour's kid came over and his dad was shouting. My son's dad too."
    ).text
    kinds = {text[m.start : m.end]: (m.kind, m.referent) for m in find_mentions(text)}
    assert kinds["my neighbours kid"] == ("thirdchild", Referent.THIRD)
    assert kinds["my sons dad"][1] is Referent.WRITER
    text = normalize("Le fils de ma voisine pleure. El hijo de mi vecina también.").text
    assert all(m.referent is Referent.THIRD for m in find_mentions(text) if m.kind == "thirdchild")


def test_story_frame_opens_on_a_subject_and_closes_on_the_writers_partner() -> None:
    text = normalize(
        "My best friend Jo came round. She cried a lot. Nobody knew. Later my husband came home."
        " I'm at the neighbours now."
    ).text
    ctx = ContextAnalyser(text)
    assert ctx.story_frame(text.index("nobody")) is Referent.THIRD
    assert ctx.story_frame(text.index("later")) is Referent.THIRD
    assert ctx.story_frame(text.index("came home")) is Referent.WRITER
    # A place ("at the neighbours") is not someone's story.
    assert ctx.story_frame(len(text) - 1) is Referent.WRITER


# --- 2. professional context for third-person rules ------------------------------------------------
AT_WORK: list[Case] = [
    (
        "I've been a nurse on a psych ward for nine years. Last night we got called to a man who had"
        " hanged himself in the shower. We got him back. I'm fine in myself, just tired.",
        "en-GB",
    ),
    (
        "Paramedic here. On my night shift we had a young woman who'd taken an overdose of her mum's"
        " tablets. She made it.",
        "en-AU",
    ),
    (
        "As a crisis worker I talked to a caller for an hour tonight whose son wants to kill himself."
        " Heavy shift.",
        "en-CA",
    ),
]


@pytest.mark.parametrize(("text", "locale"), AT_WORK)
def test_a_crisis_met_at_work_is_someone_elses(text: str, locale: str) -> None:
    _below_elevated(text, locale)


def test_at_work_applies_to_third_person_rules() -> None:
    text = normalize("I'm a paramedic. Yesterday we got called to someone who hanged himself.").text
    ctx = ContextAnalyser(text)
    start = text.index("hanged")
    assert ctx.referent(start, Attribution.OTHER, start + 14) is Referent.THIRD


@pytest.mark.parametrize(
    ("text", "locale"),
    [
        ("I'm a nurse and I've been thinking about killing myself most nights.", "en-GB"),
        ("I'm a paramedic and I keep thinking I want to die.", "en-AU"),
    ],
)
def test_a_professional_writers_own_crisis_still_counts(text: str, locale: str) -> None:
    _at_least_elevated(text, locale, SH)


# --- 3. long past stories -------------------------------------------------------------------------
LONG_PAST: list[Case] = [
    (
        "Nine years ago in Cebu I lived with a man who used to hit me. I was only nineteen. He"
        " slapped me when I talked to other boys. Once he broke my nose and I told my mother I fell."
        " I moved to Toronto in 2019 and met Ben at work. My husband now is gentle and we have a"
        " baby girl.",
        "en-CA",
    ),
    (
        "From 2010 to 2014 I was married to a man who controlled everything. He took my bank card."
        " He read my messages. He decided who I could see and when. I got out in 2014 with help from"
        " my sister. I'm remarried and safe, and I finally feel like myself.",
        "en-GB",
    ),
    (
        "My stepfather moved in when I was six. For years he hit me with his belt whenever Mum was"
        " at work. A teacher noticed the marks. I went to live with my aunt at fourteen. He died"
        " last spring and I didn't go to the funeral.",
        "en-US",
    ),
    (
        "Dear 17-year-old me. You're in his car right now and he has just grabbed your wrist so"
        " hard it will bruise. You'll hide the marks under long sleeves. It ends: he moves away and"
        " you never see him again.",
        "en-GB",
    ),
    (
        "Vor zehn Jahren war ich mit Sven zusammen. Das hat niemand gemerkt. Er hat mich"
        " geschlagen, fast jede Woche. Ich bin 2016 ausgezogen. Heute bin ich glücklich"
        " verheiratet.",
        "de-DE",
    ),
    (
        "Il y a dix ans, j'étais avec Marc. Personne ne le savait. Il m'a frappée plusieurs fois."
        " Une fois il m'a giflée devant ses amis. Je l'ai quitté en 2015. Aujourd'hui je suis mariée"
        " avec quelqu'un de doux.",
        "fr-FR",
    ),
    (
        "Hace diez años estuve con Andrés. Nadie lo sabía. Me pegaba cuando bebía. Una vez me dio"
        " una paliza. Lo dejé en 2015. Ahora estoy casada con alguien muy bueno.",
        "es-ES",
    ),
]

PRESENT_OR_CURRENT_PARTNER: list[Case] = [
    ("Last year he broke my ribs. We're still together and he's started drinking again.", "en-GB"),
    (
        "Back in 2015 my husband hit me. He says he's changed and we're still together. I feel safe"
        " most days.",
        "en-GB",
    ),
    (
        "My ex used to hit me years ago. I left him in 2018. Now my new boyfriend checks my phone"
        " every night and won't let me see my friends.",
        "en-GB",
    ),
    (
        "My ex hit me for years. I left in 2019. But he keeps turning up at my work and last week he"
        " said he'd kill me.",
        "en-GB",
    ),
    (
        "Years ago my first husband broke my arm. I left him in 2012 and I am happily married now."
        " But last night my husband pushed me into the wall and I hit my head.",
        "en-GB",
    ),
    (
        "Ten years ago my husband hit me once. We worked through it. Last night he grabbed my"
        " throat.",
        "en-GB",
    ),
    (
        "Growing up my mum hit me with a belt. I swore I would never do that. Yesterday I hit my son"
        " with a belt and he has marks.",
        "en-GB",
    ),
    (
        "Vor Jahren hat mich mein Ex geschlagen. Ich bin 2017 ausgezogen. Jetzt kontrolliert mein"
        " neuer Freund mein Handy und ich darf meine Freundinnen nicht mehr sehen.",
        "de-DE",
    ),
]


def test_not_knowing_is_not_a_denial() -> None:
    _at_least_elevated(
        "My best friend Zoe says I should leave. She doesn't know he choked me last week.",
        "en-GB",
        PV,
    )


def test_an_ex_named_after_the_current_partner_is_still_the_past() -> None:
    _below_elevated(
        "My husband knows that my ex used to hit me years ago, and I'm safe now.", "en-GB"
    )


@pytest.mark.parametrize(("text", "locale"), LONG_PAST)
def test_a_long_past_story_with_a_safe_present_is_capped(text: str, locale: str) -> None:
    _below_elevated(text, locale)
    assert "past_resolved" in _kinds(text, locale)


@pytest.mark.parametrize(("text", "locale"), PRESENT_OR_CURRENT_PARTNER)
def test_present_danger_and_the_current_partner_are_never_capped(text: str, locale: str) -> None:
    _at_least_elevated(text, locale)


def test_past_frame_stays_open_until_a_present_marker() -> None:
    text = normalize(
        "In 2009 I met him. He was charming. He hit me. He cried after. These days I'm fine."
    ).text
    ctx = ContextAnalyser(text)
    assert ctx.in_past_frame(text.index("he hit"))
    assert ctx.in_past_frame(text.index("he cried"))
    assert not ctx.in_past_frame(text.index("these days"))


# --- 4. self-injury stays elevated unless there is suicidal intent or a means with it ----------------
SELF_INJURY_ELEVATED: list[Case] = [
    (
        "I cut myself again last night. My partner keeps the kitchen knives in a locked drawer now.",
        "en-GB",
    ),
    ("Relapsed on cutting on Saturday. Used a razor from his shaving kit.", "en-GB"),
    (
        "I burnt my wrist with the lighter again. The pills are for my back, I take two a day.",
        "en-US",
    ),
    ("Ich habe mich gestern wieder geritzt. Die Rasierklingen liegen im Bad.", "de-DE"),
    ("Je me coupe encore les bras le soir. Le couteau est dans le tiroir de la cuisine.", "fr-FR"),
    ("Me corté otra vez anoche. Usé una cuchilla del sacapuntas.", "es-ES"),
]

SELF_INJURY_URGENT: list[Case] = [
    (
        "I've been cutting again and I keep thinking about ending my life. There are pills in the"
        " cabinet.",
        "en-GB",
    ),
    (
        "I cut myself last night and then took out all the pills and lined them up on the sink.",
        "en-GB",
    ),
]


@pytest.mark.parametrize(("text", "locale"), SELF_INJURY_ELEVATED)
def test_self_injury_next_to_a_tool_stays_elevated(text: str, locale: str) -> None:
    risk = assess_risk(text, locale=locale)
    assert risk.level is RiskLevel.ELEVATED, (text, risk)
    assert SH in risk.categories


@pytest.mark.parametrize(("text", "locale"), SELF_INJURY_URGENT)
def test_self_injury_with_suicidal_thoughts_or_a_means_at_hand_is_urgent(
    text: str, locale: str
) -> None:
    assert assess_risk(text, locale=locale).level is RiskLevel.URGENT


# --- 5. quoted speech --------------------------------------------------------------------------------
SOMEONE_ELSES_WORDS: list[Case] = [
    (
        "My friend texted me at midnight: 'I don't want to be here anymore.' I rang her straight"
        " away and her mum is with her now.",
        "en-GB",
    ),
    (
        "Our daughter (15) screamed 'I want to die' when we took her phone, then laughed it off an"
        " hour later.",
        "en-GB",
    ),
    (
        'My boyfriend told me last night, "sometimes I want to kill myself". He\'s seeing a'
        " therapist about it.",
        "en-US",
    ),
    ("My boyfriend says 'I want to die' every time we argue.", "en-AU"),
    (
        "Meine beste Freundin hat mir geschrieben: „Ich will nicht mehr leben.“ Ich habe sofort"
        " ihre Mutter angerufen.",
        "de-DE",
    ),
    ("Mon fils a crié « je veux mourir » en claquant la porte, puis il s'est excusé.", "fr-FR"),
    (
        "Mi amiga me escribió: «ya no quiero vivir». La llamé enseguida y está con su madre.",
        "es-ES",
    ),
]

THE_WRITERS_WORDS_OR_A_THREAT: list[tuple[str, str, RiskCategory]] = [
    ("I told my husband 'I want to kill myself' and he just walked away.", "en-GB", SH),
    ('I texted my sister: "I can\'t do this anymore, I want to die."', "en-GB", SH),
    ("Ich habe meinem Mann gesagt: „Ich will nicht mehr leben.“", "de-DE", SH),
    ("He said 'if you leave I'll kill you'.", "en-GB", PV),
    ("He texted 'I'll kill myself if you leave me' and then went quiet.", "en-GB", CC),
    ("My husband keeps saying he'll kill himself if I leave.", "en-GB", CC),
    ("Il m'a dit « si tu me quittes, je me tue ».", "fr-FR", CC),
    ("Me dijo «si me dejas, me mato».", "es-ES", CC),
    ("Er hat geschrieben: „Wenn du gehst, bringe ich mich um.“", "de-DE", CC),
    ("My husband says he will kill himself and take me with him.", "en-GB", CC),
    ("Estoy preocupada: mi novio dice que se va a matar si lo dejo.", "es-AR", CC),
]


@pytest.mark.parametrize(("text", "locale"), SOMEONE_ELSES_WORDS)
def test_someone_elses_quoted_words_are_theirs(text: str, locale: str) -> None:
    _below_elevated(text, locale)
    assert "third_party" in _kinds(text, locale)


@pytest.mark.parametrize(("text", "locale", "category"), THE_WRITERS_WORDS_OR_A_THREAT)
def test_the_writers_own_words_and_threats_aimed_at_the_writer(
    text: str, locale: str, category: RiskCategory
) -> None:
    _at_least_elevated(text, locale, category)


def test_a_child_of_the_household_saying_it_with_a_means_at_hand_is_urgent() -> None:
    risk = assess_risk(
        "My son (16) screamed 'I'm going to kill myself' and locked himself in the bathroom with"
        " my pills.",
        locale="en-GB",
    )
    assert risk.level is RiskLevel.URGENT, risk
    assert CS in risk.categories


def test_a_childs_outburst_taken_back_is_a_concern() -> None:
    text = (
        "Our 14 year old yelled 'I want to kill myself' through his door after the breakup. Later"
        " he said he didn't mean it, he was just angry."
    )
    _below_elevated(text, "en-US")


def test_partners_own_self_harm_is_not_the_writers() -> None:
    text = (
        "This is about my girlfriend, not me. Last week she told me she's been self-harming since"
        " school. We're going to the GP together."
    )
    _below_elevated(text, "en-GB")


def test_quoted_spans_in_the_original_text() -> None:
    text = "She said 'I'm done, don't call' and the kids' toys were everywhere. He wrote “stop”."
    assert [text[a:b] for a, b in quoted_spans(text)] == ["I'm done, don't call", "stop"]


# --- 6. very low mood: hopelessness about living, not about the couple or the job --------------------
@pytest.mark.parametrize(
    ("text", "locale"),
    [
        (
            "I feel hopeless tonight. We had the same fight again and she said maybe we should"
            " split up.",
            "en-GB",
        ),
        ("Feeling hopeless about work. My boss rejected the project again.", "en-GB"),
        (
            "Ich fühle mich hoffnungslos. Wir hatten wieder denselben Streit über die Trennung.",
            "de-DE",
        ),
    ],
)
def test_low_mood_and_hopelessness_about_the_couple_stay_a_concern(text: str, locale: str) -> None:
    risk = assess_risk(text, locale=locale, mood=1)
    assert risk.level is RiskLevel.CONCERN, (text, risk)


@pytest.mark.parametrize(
    ("text", "locale"),
    [
        ("I feel hopeless, like there's no way out of any of this.", "en-GB"),
        ("i cant do this anymore. everything is too much.", "en-GB"),
        ("Hopeless. Another fight, and honestly I don't see the point of living.", "en-GB"),
    ],
)
def test_low_mood_and_hopelessness_about_living_are_elevated(text: str, locale: str) -> None:
    _at_least_elevated(text, locale, SH, mood=1)


# --- 7. sport, self-defence and children's play ------------------------------------------------------
SPORT_AND_PLAY: list[Case] = [
    (
        "Started a self-defence class with my wife. She pinned me to the mat and choked me out, the"
        " instructor was thrilled.",
        "en-GB",
    ),
    (
        "Sparring night at boxing: my husband punched me in the face and I got a proper black eye."
        " We both laughed about it.",
        "en-GB",
    ),
    (
        "Our boys, 7 and 10, were wrestling on the trampoline. Max got Leo in a headlock and Leo"
        " shrieked 'he's choking me!' between giggles.",
        "en-AU",
    ),
    (
        "Beim Judotraining hat mich meine Frau gewürgt, bis ich abgeklopft habe. Ich bin so stolz"
        " auf sie.",
        "de-DE",
    ),
    ("Au cours de boxe, ma copine m'a frappé au visage, j'avais oublié mon casque.", "fr-FR"),
    (
        "En la clase de defensa personal mi novio me agarró del cuello para enseñarme a soltarme.",
        "es-ES",
    ),
]

NOT_PLAY: list[Case] = [
    (
        "He says we were just play-fighting but he choked me until I couldn't breathe and I was"
        " scared.",
        "en-GB",
    ),
    (
        "The kids were wrestling and my husband grabbed our son by the throat and threw him against"
        " the wall.",
        "en-GB",
    ),
    ("After his boxing class he came home angry and punched me.", "en-GB"),
    ("Boxing class was cancelled, so he came home early and punched me in the stomach.", "en-GB"),
    (
        "He has been sparring at the gym a lot and last night he choked me until I passed out.",
        "en-GB",
    ),
    ("He has been doing MMA and he choked me when I said no.", "en-US"),
]


@pytest.mark.parametrize(("text", "locale"), SPORT_AND_PLAY)
def test_sport_and_childrens_play_are_not_violence(text: str, locale: str) -> None:
    _below_elevated(text, locale)


@pytest.mark.parametrize(("text", "locale"), NOT_PLAY)
def test_violence_next_to_a_sport_or_a_game_still_counts(text: str, locale: str) -> None:
    _at_least_elevated(text, locale)


def test_sport_is_recorded_as_banter() -> None:
    text = "Krav maga class with my boyfriend tonight, he put me in a chokehold and I tapped out."
    _below_elevated(text, "en-US")
    assert _kinds(text, "en-US") & {"banter", "idiom"}
