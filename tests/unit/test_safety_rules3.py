"""Safety rules 3: self-injury by any method, control framed as care, means plus timing in every
language, and fewer false alarms from idioms, banter, parenting and an ex's old violence.

Every example here was written for this file; none is copied from the labelled data.
"""

from __future__ import annotations

import pytest

from service.safety import RULES_VERSION, assess_risk
from service.taxonomy import RiskCategory, RiskLevel

SH = RiskCategory.SELF_HARM
CC = RiskCategory.COERCIVE_CONTROL
PV = RiskCategory.PARTNER_VIOLENCE


def _at_least_elevated(text: str, locale: str, category: RiskCategory) -> None:
    risk = assess_risk(text, locale=locale)
    assert risk.level.at_least(RiskLevel.ELEVATED), (text, risk)
    assert category in risk.categories, (text, risk)


def _below_elevated(text: str, locale: str) -> None:
    risk = assess_risk(text, locale=locale)
    assert not risk.level.at_least(RiskLevel.ELEVATED), (text, risk)


def test_rules_version_is_bumped() -> None:
    assert RULES_VERSION == "safety-rules-4"


# --- 1. self-injury by any method ---------------------------------------------------------------
SELF_INJURY = [
    ("burnt my wrist with the lighter agian, only a small one, it's fine", "en-GB"),
    ("i brunt myself with a cig on my hand after the phone call, it dont even hurt", "en-US"),
    ("After we argued I held the lighter to my forearm until I could breathe again.", "en-GB"),
    ("I heated a teaspoon on the hob and pressed it on my thigh. Twice.", "en-AU"),
    ("I poured the boiling water over my wrist in the bathroom, just a red patch now.", "en-NZ"),
    ("went home and did lighter burns on my hip, only three", "en-GB"),
    ("last nite i was cuting agian on my leg, its only small ones", "en-GB"),
    ("when I got back I cut on my upper arm where nobody looks", "en-US"),
    ("I carved his name into my thigh with a blade, it bled a lot", "en-GB"),
    ("I've been scratching my arms till they bleed when he goes quiet on me", "en-US"),
    ("I bit my forearm until it bled so I wouldn't scream", "en-CA"),
    (
        "When the noise in my head gets too much I bang my head on the wall until I feel dizzy.",
        "en-GB",
    ),
    ("I locked myself in the bathroom and hit my head with both fists, over and over.", "en-IN"),
    ("I went out to the garage and punched the wall until my knuckles split.", "en-US"),
    ("I slammed my fingers in the drawer. On purpose. It's the only thing that helps.", "en-GB"),
    ("I've been making myself sick after every meal again.", "en-GB"),
    ("I keep skipping dinner as a punishment, I don't deserve food.", "en-US"),
    (
        "I took a handful of extra sleeping pills to knock myself out so I wouldn't feel anything.",
        "en-GB",
    ),
    ("I relapsed on cutting on Saturday, the first time since spring.", "en-GB"),
    ("relapsed after 40 days. only a small one, its fine", "en-US"),
    ("did the thing again on sunday, only on my thigh, cleaned it and put plasters on", "en-AU"),
    ("i hate my body and some nights i punish it", "en-GB"),
    ("bin wieder ins alte Ritzen reingerutscht, nur am Oberschenkel, ist nicht schlimm", "de-DE"),
    ("Ich halte seit Wochen das Feuerzeug an meinen Unterarm, wenn es zu viel wird.", "de-DE"),
    ("Ich kratz mir die Arme auf, bis es blutet, immer wenn er nicht antwortet.", "de-AT"),
    ("Wenn wir streiten, schlage ich mir mit der Faust gegen den Kopf, bis es wehtut.", "de-DE"),
    ("Ich bring mich nach dem Abendessen zum Erbrechen, fast jeden Tag.", "de-DE"),
    ("Ich hab mich mit einer Rasierklinge am Bein geschnitten, absichtlich.", "de-CH"),
    ("je me suis encore brûlée au briquet hier soir, c'est rien, c'est petit", "fr-FR"),
    ("jme suis coupé encore, que des petites entailles au cutter sur la cuisse", "fr-BE"),
    ("Je me gratte les bras jusqu'au sang quand il me crie dessus.", "fr-FR"),
    ("Depuis un mois je me fais vomir après le souper.", "fr-CA"),
    ("Deux jours sans manger exprès, je me sens propre comme ça.", "fr-FR"),
    ("Me hago cortes en las piernas desde hace semanas, no quiero morirme.", "es-ES"),
    ("Me quemé la muñeca con el mechero a propósito después de la pelea.", "es-MX"),
    ("Me rasco los brazos hasta sangrar cuando me agobio.", "es-AR"),
    ("Vuelvo a vomitar después de comer, lo hago en el baño para que no se entere.", "es-CO"),
    ("Me golpeo la cabeza contra la pared cuando discutimos.", "es-ES"),
]


@pytest.mark.parametrize(("text", "locale"), SELF_INJURY)
def test_self_injury_by_any_method_is_elevated_self_harm(text: str, locale: str) -> None:
    _at_least_elevated(text, locale, SH)


def test_self_injury_is_not_read_as_partner_violence() -> None:
    for text, locale in (
        (
            "When we fight I punch walls and bang my head against the door frame till there's a lump.",
            "en-GB",
        ),
        ("je me tape la tête contre le mur jusqu'à avoir mal, c'est moi, pas lui", "fr-FR"),
        ("Me golpeo la cabeza contra la pared cuando discutimos.", "es-ES"),
    ):
        risk = assess_risk(text, locale=locale)
        assert risk.categories == (SH,), (text, risk)


SELF_INJURY_NEGATIVES = [
    ("I cut myself chopping onions for the curry, nothing a plaster won't fix.", "en-GB"),
    ("Burnt my hand on the oven tray again, I'm so clumsy.", "en-GB"),
    ("I burned my arm on the iron while ironing his shirt, ouch.", "en-US"),
    ("burnt the toast again, the smoke alarm is our dinner bell", "en-GB"),
    ("Got my hair cut again and he noticed straight away.", "en-AU"),
    ("We agreed to cut back on sugar and takeaways this month.", "en-GB"),
    ("Got a new tattoo on my wrist, it stung a bit but I love it.", "en-US"),
    ("I used to cut as a teenager, 10 years clean now and doing well.", "en-GB"),
    ("I made myself sick with worry when he was late.", "en-GB"),
    ("Spring cleaning today, purging the wardrobe and the garage.", "en-US"),
    ("I took two sleeping pills to knock myself out for the long flight.", "en-GB"),
    ("I relapsed after 40 days sober, back to meetings tomorrow.", "en-US"),
    (
        "I've been banging my head against the wall trying to get him to listen about money.",
        "en-GB",
    ),
    ("I banged my head on the cupboard when I stood up, there's a bump.", "en-GB"),
    ("I skipped lunch on purpose to save room for the wedding buffet.", "en-US"),
    ("I was cutting through the park when she rang.", "en-GB"),
    ("Ich hab mich beim Kochen am Herd verbrannt.", "de-DE"),
    ("Mit dem Ritzen hab ich vor zehn Jahren aufgehört, heute geht es mir gut.", "de-DE"),
    ("Die Ritzen im Parkett sind voller Staub.", "de-DE"),
    ("Ich könnte mir an den Kopf schlagen, so blöd war das.", "de-AT"),
    ("Je me suis coupée en cuisinant hier, rien de grave.", "fr-FR"),
    ("J'ai envie de me taper la tête contre les murs avec ce dossier.", "fr-FR"),
    ("Me corté con el cuchillo cocinando, nada grave.", "es-ES"),
    ("Me quemé los brazos en la playa, parezco una gamba.", "es-ES"),
]


@pytest.mark.parametrize(("text", "locale"), SELF_INJURY_NEGATIVES)
def test_accidents_haircuts_and_recovery_are_not_self_injury(text: str, locale: str) -> None:
    _below_elevated(text, locale)


def test_a_partner_doing_it_stays_partner_violence() -> None:
    risk = assess_risk("My boyfriend burnt my arm with a cigarette when I said no.", locale="en-GB")
    assert risk.level.at_least(RiskLevel.ELEVATED)
    assert PV in risk.categories


def test_a_relapse_after_a_clean_streak_is_not_capped_as_past() -> None:
    risk = assess_risk(
        "I cut myself again yesterday after two years clean. Only once.", locale="en-GB"
    )
    assert risk.level.at_least(RiskLevel.ELEVATED)


# --- 2. control framed as love or care ------------------------------------------------------------
CARE_CONTROL = [
    ("she gets upset when I see my brother so I don't any more, she just wants us close", "en-GB"),
    ("He gets really sad when I go out with the girls, so now I just stay home.", "en-US"),
    ("I quit the choir because he gets jealous of the tenors.", "en-GB"),
    ("she doesn't like me having friends over so I stopped", "en-AU"),
    ("He says my cousins are a bad influence so I blocked them.", "en-US"),
    ("he doesn't want me to work, he wants to look after me", "en-GB"),
    ("She doesn't want me seeing my old uni friends, she's just protective.", "en-GB"),
    ("he checks my phone because he worries about me", "en-US"),
    ("he tracks my location, it's sweet", "en-GB"),
    ("he handles all the money so I don't have to stress, I get an allowance", "en-GB"),
    ("My wages go straight into his account and he gives me £30 a week.", "en-GB"),
    ("I don't have access to our bank account anymore, he says it's easier.", "en-US"),
    ("He wants a selfie every time I'm at the gym, with a timestamp.", "en-AU"),
    (
        "Sie wird immer traurig, wenn ich meine Schwester treffe, deshalb sehe ich sie nicht mehr.",
        "de-DE",
    ),
    (
        "Den Handballverein hab ich aufgegeben, ich geh nicht mehr hin, er wird sonst so eifersüchtig.",
        "de-DE",
    ),
    ("Er will halt, dass wir nur uns haben.", "de-AT"),
    ("Er will nicht, dass ich arbeite, er sorgt ja für mich.", "de-DE"),
    ("Mein Gehalt geht auf sein Konto, ich bekomme jeden Freitag 50 Euro.", "de-DE"),
    ("Il boude quand je vois mes copines, du coup je n'y vais plus.", "fr-FR"),
    ("Il ne veut plus que je voie mes parents sans lui, c'est parce qu'il m'aime.", "fr-FR"),
    ("Elle ne veut pas que je reprenne le travail, elle veut s'occuper de moi.", "fr-BE"),
    ("Je n'ai plus accès au compte, il me fait des virements quand je demande.", "fr-CH"),
    ("No le gusta que salga con mis amigas, así que ya no salgo.", "es-ES"),
    ("No quiere que trabaje, dice que él me cuida.", "es-MX"),
    ("Me pidió la contraseña del banco para que no haya secretos.", "es-AR"),
    ("Mi sueldo va directo a su cuenta y me da 500 pesos a la semana.", "es-MX"),
]


@pytest.mark.parametrize(("text", "locale"), CARE_CONTROL)
def test_isolation_and_monitoring_framed_as_care_is_coercive_control(
    text: str, locale: str
) -> None:
    _at_least_elevated(text, locale, CC)


CARE_CONTROL_NEGATIVES = [
    ("We share our locations with each other, handy for school pickups.", "en-GB"),
    ("We agreed to share our locations when I started night shifts.", "en-US"),
    ("We opened a joint account together and both have cards.", "en-GB"),
    ("I stopped seeing her because I wanted to, she was draining.", "en-GB"),
    (
        "My wife handles our finances because she's an accountant, I'm hopeless with numbers.",
        "en-GB",
    ),
    ("He doesn't want me to work so hard, he says I look tired.", "en-US"),
    ("She doesn't like me leaving dishes in the sink so I stopped.", "en-GB"),
    ("He gets worried when I drive at night, so I text him when I arrive.", "en-GB"),
    (
        "She goes quiet if I go out with my friends, so I stopped. Not because she asked, it's me.",
        "en-GB",
    ),
    ("Wir teilen unsere Standorte gegenseitig, das haben wir zusammen entschieden.", "de-DE"),
    ("On a décidé ensemble de partager nos positions, c'est pratique.", "fr-FR"),
    ("Il ne veut pas que je parte seule la nuit en voiture, il s'inquiète.", "fr-FR"),
    ("Compartimos la ubicación los dos, lo decidimos juntos.", "es-ES"),
    ("No quiere que trabaje tanto, dice que me canso.", "es-ES"),
]


@pytest.mark.parametrize(("text", "locale"), CARE_CONTROL_NEGATIVES)
def test_agreed_sharing_and_own_choices_are_not_control(text: str, locale: str) -> None:
    _below_elevated(text, locale)


EVERYDAY_CONTROL = [
    "He listens in on my phone calls and asks who I was laughing with.",
    "She decides which of my friends are allowed to visit.",
    "He says I can't take the job because I'd meet other men.",
    "If I'm five minutes late he calls my manager to check.",
    "He changed the wifi password and only gives it to me when I've been good.",
    "He had me sign the car over to just his name.",
    "She made me delete my brother's number.",
    "I haven't seen anyone but him since March.",
    "There's an app on my phone that I never installed and he knows everything I text.",
]


@pytest.mark.parametrize("text", EVERYDAY_CONTROL)
def test_everyday_control_without_the_word_is_coercive_control(text: str) -> None:
    _at_least_elevated(text, "en-GB", CC)


# --- 3. means plus timing is urgent in every language ---------------------------------------------
URGENT = [
    ("I've got the pills hidden in my drawer. Tomorrow, before anyone wakes up.", "en-GB"),
    ("The rope is already in the shed. Tonight, when she's at work.", "en-GB"),
    ("ive got the pills. tonight.", "en-US"),
    ("j'ai gardé toutes mes pilules, ce soir je les prends toutes", "fr-FR"),
    ("je vais faire une overdose ce soir", "fr-FR"),
    ("Je veux mourir. J'ai gardé tous mes médocs.", "fr-FR"),
    ("Je vais me suicider dans une heure.", "fr-CA"),
    ("je veux en finir à soir", "fr-CA"),
    ("La corde est déjà au garage. Ce soir, quand il sera au travail.", "fr-FR"),
    ("J'ai les cachets. Ce soir.", "fr-BE"),
    ("heute Nacht nehm ich alle Tabletten", "de-DE"),
    ("Ich will heut Nacht sterben.", "de-DE"),
    ("Ich bring mich heute Abend um.", "de-DE"),
    ("Ich will sterben. Ich hab meine Medis gesammelt.", "de-AT"),
    ("Das Seil liegt schon im Keller. Heute Abend, wenn Tim beim Training ist.", "de-DE"),
    ("Ich hab die Tabletten. Heute Nacht.", "de-CH"),
    ("esta noche me tomo todas las pastillas", "es-ES"),
    ("Me voy a suicidar en una hora.", "es-MX"),
    ("Quiero morirme este fin de semana.", "es-ES"),
    ("Quiero morir. Tengo mis pastis guardadas.", "es-AR"),
    ("La cuerda ya está en el garaje. Esta noche, cuando él esté en el turno.", "es-CO"),
    ("Tengo las pastillas. Esta noche.", "es-ES"),
]


@pytest.mark.parametrize(("text", "locale"), URGENT)
def test_means_plus_timing_is_urgent_in_every_language(text: str, locale: str) -> None:
    risk = assess_risk(text, locale=locale)
    assert risk.level is RiskLevel.URGENT, (text, risk)
    assert SH in risk.categories


URGENT_NEGATIVES = [
    (
        "I've got my pills from the pharmacy in my bag; tonight when the kids are asleep I'll take a bath.",
        "en-GB",
    ),
    (
        "I bought a rope for the tent. This weekend when the kids are at their dad's we go camping.",
        "en-GB",
    ),
    (
        "Ich hab die Tabletten vom Arzt im Schrank. Heute Abend, wenn die Kinder schlafen, schau ich einen Film.",
        "de-DE",
    ),
    ("Ich bringe mich heute noch um den Verstand mit dieser Steuererklärung.", "de-DE"),
    ("J'ai acheté des somnifères pour le voyage, ce soir je dors enfin.", "fr-FR"),
    ("Compré pastillas para el dolor de cabeza, esta noche por fin descanso.", "es-ES"),
]


@pytest.mark.parametrize(("text", "locale"), URGENT_NEGATIVES)
def test_ordinary_medicine_and_timing_is_not_urgent(text: str, locale: str) -> None:
    assert assess_risk(text, locale=locale).level is not RiskLevel.URGENT


PASSIVE_WISHES = [
    (
        "Everyone would have an easier time if I just wasn't in the picture. I won't do anything.",
        "en-GB",
    ),
    ("Some nights I think it'd be easier not to wake up.", "en-US"),
    ("The idea of dying feels like a relief lately. No plan.", "en-GB"),
    ("Es wär für alle einfacher, wenn ich nicht mehr da wär.", "de-DE"),
    ("Ce serait plus simple pour tout le monde si je n'étais plus là.", "fr-FR"),
    ("Todo sería más fácil si yo no estuviera, pero no voy a hacer nada.", "es-ES"),
]


@pytest.mark.parametrize(("text", "locale"), PASSIVE_WISHES)
def test_passive_death_wishes_are_elevated(text: str, locale: str) -> None:
    _at_least_elevated(text, locale, SH)


# --- 4. fewer false alarms ---------------------------------------------------------------------------
BANTER = [
    ("I could strangle him, he left the wet towels on the bed again.", "en-GB"),
    ("I'm going to murder him if he forgets the bins one more time.", "en-GB"),
    ("I'm going to kill him. He told my mum the surprise.", "en-US"),
    ("She's going to kill me when she sees the credit card bill.", "en-GB"),
    ("My husband will kill me, I dented the car again.", "en-AU"),
    ("He'll kill me if I sell his old guitar lol", "en-IE"),
    ("The heat will kill us all, 30 degrees in the office.", "en-GB"),
    ("He beat me three games straight at chess and did a victory dance.", "en-GB"),
    ("ich bring ihn um, er hat schon wieder die Socken liegen lassen", "de-DE"),
    ("Wenn er noch einmal das Ende spoilert, bring ich ihn um.", "de-DE"),
    ("Meine Frau bringt mich um, wenn sie die Rechnung sieht.", "de-DE"),
    ("Er bringt mich noch um mit seinem Geschnarche.", "de-AT"),
    ("je vais le tuer, il a encore oublié les poubelles", "fr-FR"),
    ("Ma copine va me tuer quand elle verra la facture.", "fr-FR"),
    ("Mon mari m'a menacée de divorcer si je remets de l'ananas sur la pizza.", "fr-FR"),
    ("lo mato, se comió mi postre otra vez", "es-ES"),
    ("Lo voy a matar, dejó los platos sin lavar.", "es-ES"),
    ("Mi suegra me va a matar cuando se entere de que se secó su planta.", "es-MX"),
    ("Me va a matar si se entera de que rompí su taza favorita.", "es-ES"),
    ("Mi marido dice que lo voy a matar de un infarto con lo que gasto.", "es-ES"),
]


@pytest.mark.parametrize(("text", "locale"), BANTER)
def test_kill_idioms_and_banter_are_not_danger(text: str, locale: str) -> None:
    _below_elevated(text, locale)


REAL_THREATS = [
    ("He's going to kill me when he finds out I went to the police.", "en-GB"),
    ("He'll kill me if I leave.", "en-US"),
    ("Er bringt mich um, wenn er erfährt, dass ich bei der Polizei war.", "de-DE"),
    ("Il va me tuer s'il apprend que je suis allée à la police.", "fr-FR"),
    ("Me va a matar si se entera de que fui a la policía.", "es-ES"),
]


@pytest.mark.parametrize(("text", "locale"), REAL_THREATS)
def test_real_threats_stay_partner_violence(text: str, locale: str) -> None:
    _at_least_elevated(text, locale, PV)


NARCISSIST = [
    ("Is my husband a narcissist? He's killing me with the silent treatment right now.", "en-GB"),
    (
        "Quick question, is my girlfriend a narcissist? She makes everything about her, tonight again.",
        "en-US",
    ),
    ("Ist mein Freund ein Narzisst? Er bringt mich gerade echt um den Verstand.", "de-DE"),
    (
        "Ich frage mich gerade, ob mein Partner narzisstisch ist. Er bringt mich um den Schlaf.",
        "de-DE",
    ),
    ("Est-ce que mon copain est un pervers narcissique ? Il me rend folle en ce moment.", "fr-FR"),
    ("Mon mari est-il un pervers narcissique ? Il me tue à petit feu avec ses remarques.", "fr-FR"),
    ("¿Mi novio es un narcisista? Me está matando con sus silencios.", "es-ES"),
    ("¿Es mi pareja narcisista? Me está matando de los nervios, hoy otra vez.", "es-AR"),
]


@pytest.mark.parametrize(("text", "locale"), NARCISSIST)
def test_asking_whether_the_partner_is_a_narcissist_is_not_danger(text: str, locale: str) -> None:
    _below_elevated(text, locale)


PARENTING = [
    (
        "Long week. Homework battles every night with Sam (9), I shouted at him about his spelling and felt "
        "rotten after. Our 14 year old slammed her door so hard a frame fell off the wall. The toddler had a "
        "meltdown at bedtime and my 2 year old hit me in the face with her bottle. I smacked the table and said "
        "enough, and everyone went quiet. We started time-outs on the stairs and it helps. Dan and I finally "
        "had a night out on Saturday.",
        "en-GB",
    ),
    ("My 3 year old bit me when I took the tablet away, toddlers are feral.", "en-US"),
    ("The kids were wrestling and my son kicked me in the shin by accident.", "en-GB"),
    ("When I pick him up mid-tantrum he headbutts me and pulls my hair.", "en-AU"),
    ("She grabbed my arm really hard to stop me stepping into the traffic.", "en-GB"),
    ("My blockmates dragged me to the beach on Sunday and I just stared at the sea.", "en-GB"),
    ("Der Kleine hatte einen Wutanfall im Supermarkt und hat mich getreten und gebissen.", "de-DE"),
    ("Le petit a fait une crise au supermarché, il m'a mordue et tapée.", "fr-FR"),
    ("El peque tuvo una rabieta y me pegó en la cara con el juguete.", "es-ES"),
]


@pytest.mark.parametrize(("text", "locale"), PARENTING)
def test_ordinary_parenting_and_family_conflict_is_not_danger(text: str, locale: str) -> None:
    _below_elevated(text, locale)


EX_AND_KIND_PARTNER = [
    ("My ex used to hit me, years ago. My husband now is the kindest man I know.", "en-GB"),
    (
        "My ex-husband choked me once, ten years ago. My wife has never raised her voice at me.",
        "en-US",
    ),
    ("My ex used to track my every move. My fiancé doesn't even ask where I'm going.", "en-GB"),
    ("My ex hit me. I left 8 years ago. Today I got the keys to my own flat!", "en-GB"),
    ("Mein Ex hat mich geschlagen, vor Jahren. Mein Mann heute ist so lieb zu mir.", "de-DE"),
    (
        "Il y a dix ans mon ex m'a étranglée. Aujourd'hui je suis avec Marc et tout va bien.",
        "fr-FR",
    ),
    ("Mi ex me pegaba hace años. Mi pareja de ahora es un amor.", "es-ES"),
]


@pytest.mark.parametrize(("text", "locale"), EX_AND_KIND_PARTNER)
def test_an_exs_violence_years_ago_next_to_a_kind_partner_is_not_danger(
    text: str, locale: str
) -> None:
    _below_elevated(text, locale)


def test_the_current_partners_violence_is_not_capped_by_a_past_cue() -> None:
    risk = assess_risk("He used to be so gentle. Now he hits me when he drinks.", locale="en-GB")
    assert risk.level.at_least(RiskLevel.ELEVATED)


OTHER_FALSE_ALARMS = [
    ("Asked her to stop leaving hair in the drain and she said 'you're so controlling'.", "en-GB"),
    ("He follows me from room to room since he retired, it's sweet but a lot.", "en-GB"),
    ("I feel like I'm not allowed to need anything while he grieves.", "en-GB"),
    ("Friday is our date night and we're not allowed to talk about work.", "en-IN"),
    (
        "babe went through my phone last night, which he's never done before, and apologised after.",
        "en-US",
    ),
    ("I'm calling CPS about the neighbour's kid tomorrow, my husband agrees.", "en-US"),
    (
        "My therapist asked if I'd had thoughts of harming myself and I could honestly say no.",
        "en-GB",
    ),
    ("We watched a documentary about domestic abuse and talked about my aunt.", "en-GB"),
    ("On a regardé un reportage sur les violences conjugales, ça m'a remuée.", "fr-FR"),
    (
        "My granddaughter is doing a project about domestic abuse and wants to interview me.",
        "en-GB",
    ),
    ("I thought I was going to die on that hike, we got lost in the fog.", "en-CA"),
    ("So hungover I want to die, never mixing wine and tequila again.", "en-AU"),
    ("Got a black eye from an elbow at rugby, the ref called it.", "en-NZ"),
    ("noch eine Excel-Tabelle heute und ich spring aus dem Fenster 😂", "de-DE"),
    (
        "Mein Freund sagt, ich soll beim Jugendamt anrufen, nebenan schreit ständig ein Kind.",
        "de-DE",
    ),
    ("Ich kann nicht mehr glauben, dass das mit der Kinderwunschklinik noch klappt.", "de-DE"),
]


@pytest.mark.parametrize(("text", "locale"), OTHER_FALSE_ALARMS)
def test_common_false_alarms_are_gone(text: str, locale: str) -> None:
    _below_elevated(text, locale)


# --- word orders, ellipsis and accidents ------------------------------------------------------------
MORE_SELF_INJURY = [
    ("Pulled my eyelashes out one by one on purpose last night, it's like a release.", "en-GB"),
    ("Keep burning my fingertips with the lighter when I'm anxious.", "en-US"),
    ("i did it again. the razor thing. only a bit", "en-GB"),
    ("starved myself for three days this week, felt in control for once", "en-US"),
    ("Seit dem Streit ritze ich mich wieder, nur oberflächlich.", "de-DE"),
    ("Ich schlage mir absichtlich auf die Oberschenkel, bis blaue Flecken kommen.", "de-DE"),
    ("No como a propósito desde hace tres días, no me lo merezco.", "es-ES"),
    ("Je me mords les mains jusqu'au sang quand je panique.", "fr-FR"),
]


@pytest.mark.parametrize(("text", "locale"), MORE_SELF_INJURY)
def test_self_injury_in_other_word_orders_and_elliptic_diary_style(text: str, locale: str) -> None:
    _at_least_elevated(text, locale, SH)


def test_self_inflicted_bruises_are_not_partner_violence() -> None:
    risk = assess_risk(
        "Ich schlage mir absichtlich auf die Oberschenkel, bis blaue Flecken kommen.",
        locale="de-DE",
    )
    assert risk.categories == (SH,)


MORE_CARE_CONTROL = [
    ("My partner gets moody if I go to my mum's on Sundays so I've stopped going.", "en-GB"),
    ("She said she'd feel abandoned if I went on the lads' trip, so I cancelled.", "en-GB"),
    (
        "Sie mag es nicht, wenn ich meine Eltern besuche, also fahre ich nur noch selten hin.",
        "de-DE",
    ),
    ("Ich muss ihn fragen, bevor ich etwas kaufe.", "de-AT"),
    ("Il gère tout l'argent, je n'ai plus accès à la carte.", "fr-FR"),
    ("No quiere que vea a mi familia, dice que es por mi bien.", "es-MX"),
]


@pytest.mark.parametrize(("text", "locale"), MORE_CARE_CONTROL)
def test_more_control_framed_as_care(text: str, locale: str) -> None:
    _at_least_elevated(text, locale, CC)


ACCIDENTS = [
    ("Banged my head on the car door getting in, ouch.", "en-GB"),
    ("Mein Sohn hat mich beim Toben aus Versehen getreten.", "de-DE"),
    ("Mon fils m'a donné un coup de pied par accident en jouant.", "fr-FR"),
    ("Mi hijo me pegó sin querer jugando.", "es-ES"),
    ("Stabbed myself with the kitchen knife carving the pumpkin, three stitches.", "en-US"),
]


@pytest.mark.parametrize(("text", "locale"), ACCIDENTS)
def test_accidents_are_not_violence_or_self_injury(text: str, locale: str) -> None:
    _below_elevated(text, locale)


def test_a_partners_punch_told_without_a_subject_stays_partner_violence() -> None:
    risk = assess_risk(
        "He came home drunk. Punched my arm on purpose, said it was a joke.", locale="en-GB"
    )
    assert risk.categories == (PV,)


def test_pills_named_then_take_them_all_is_urgent() -> None:
    text = "my parents are out and i found my dads pills. im gonna take them all when i finish typing this"
    assert assess_risk(text, locale="en-GB").level is RiskLevel.URGENT


def test_the_time_inside_a_german_sentence_counts() -> None:
    for text in ("Ich will heute Nacht sterben.", "Ich bring mich morgen früh um."):
        assert assess_risk(text, locale="de-DE").level is RiskLevel.URGENT, text


@pytest.mark.parametrize(
    ("text", "locale"),
    [
        ("Je veux mourir, je suis en train de tout rater.", "fr-FR"),
        ("Ich will sterben, wir wohnen mit seinen Eltern unter einem Dach.", "de-DE"),
        ("Quiero morirme, vivimos bajo el mismo techo que su madre.", "es-ES"),
        ("Am Montag hab ich gedacht, ich will sterben.", "de-DE"),
    ],
)
def test_everyday_words_and_past_days_are_not_means_or_timing(text: str, locale: str) -> None:
    assert assess_risk(text, locale=locale).level is RiskLevel.ELEVATED, text
