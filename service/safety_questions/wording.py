"""What a safety question says, in the partner's language, and how a chat answer is read.

The questions follow validated screening wording, made warm and short: the Columbia Suicide
Severity Rating Scale screener ("Have you had any actual thoughts of killing yourself?") for
self-harm, and the usual intimate-partner-violence screening questions ("Is anyone at home
hurting you, threatening you or making you afraid?") for home safety. Each is asked so that
"yes" is the answer that needs help: an answer is never ambiguous about which way it points.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

Kind = Literal["self_harm", "safety_at_home", "child_safety"]
Answer = Literal["yes", "no", "prefer_not"]
KINDS: tuple[Kind, ...] = ("self_harm", "safety_at_home", "child_safety")
ANSWERS: tuple[Answer, ...] = ("yes", "no", "prefer_not")

QUESTIONS: dict[str, dict[str, str]] = {
    "en": {
        "self_harm": "Some of what you wrote sounds really heavy, so can I ask you directly: "
        "have you been having thoughts of ending your life, or of hurting yourself?",
        "safety_at_home": "Can I ask you something directly: is anyone at home hurting you, "
        "threatening you, or making you feel afraid?",
        "child_safety": "Can I ask you something directly: is a child in your home being hurt, "
        "or are you worried that a child is not safe there?",
    },
    "de": {
        "self_harm": "Manches von dem, was du schreibst, klingt sehr schwer. Darf ich dich direkt "
        "fragen: Hast du Gedanken, dir das Leben zu nehmen oder dir etwas anzutun?",
        "safety_at_home": "Darf ich dich direkt fragen: Tut dir zu Hause jemand weh, bedroht dich "
        "oder macht dir Angst?",
        "child_safety": "Darf ich dich direkt fragen: Wird bei euch zu Hause ein Kind verletzt, "
        "oder machst du dir Sorgen, dass ein Kind dort nicht sicher ist?",
    },
    "fr": {
        "self_harm": "Certaines choses que tu écris semblent très lourdes, alors je me permets de "
        "te demander directement : as-tu des pensées de mettre fin à ta vie ou de te faire du mal ?",
        "safety_at_home": "Je me permets de te demander directement : est-ce que quelqu'un à la "
        "maison te fait du mal, te menace ou te fait peur ?",
        "child_safety": "Je me permets de te demander directement : un enfant chez toi est-il "
        "maltraité, ou crains-tu qu'un enfant n'y soit pas en sécurité ?",
    },
    "es": {
        "self_harm": "Algunas cosas que escribes suenan muy duras, así que quiero preguntarte "
        "directamente: ¿has tenido pensamientos de quitarte la vida o de hacerte daño?",
        "safety_at_home": "Quiero preguntarte algo directamente: ¿alguien en casa te hace daño, "
        "te amenaza o te da miedo?",
        "child_safety": "Quiero preguntarte algo directamente: ¿algún niño o niña en tu casa está "
        "sufriendo daño, o te preocupa que no esté a salvo allí?",
    },
}

ANSWER_LABELS: dict[str, dict[str, str]] = {
    "en": {"yes": "Yes", "no": "No", "prefer_not": "I'd rather not say"},
    "de": {"yes": "Ja", "no": "Nein", "prefer_not": "Ich möchte lieber nichts sagen"},
    "fr": {"yes": "Oui", "no": "Non", "prefer_not": "Je préfère ne pas répondre"},
    "es": {"yes": "Sí", "no": "No", "prefer_not": "Prefiero no decirlo"},
}

PRIVACY_NOTES: dict[str, str] = {
    "en": "Your partner never sees this question or your answer.",
    "de": "Dein Partner oder deine Partnerin sieht diese Frage und deine Antwort nie.",
    "fr": "Ton ou ta partenaire ne voit jamais cette question ni ta réponse.",
    "es": "Tu pareja nunca ve esta pregunta ni tu respuesta.",
}

# What the partner reads back after answering "no" or "prefer not" (a "yes" gets the safety
# response instead).
ACKNOWLEDGEMENTS: dict[str, dict[str, str]] = {
    "en": {
        "no": "Thank you for answering, I'm glad to hear it. If that ever changes, you can "
        "tell me at any time.",
        "prefer_not": "That's completely okay, you don't have to say. If you'd like to talk to "
        "someone, the contacts below are there at any time.",
    },
    "de": {
        "no": "Danke für deine Antwort, das freut mich. Falls sich das einmal ändert, kannst du "
        "es mir jederzeit sagen.",
        "prefer_not": "Das ist völlig in Ordnung, du musst nichts sagen. Wenn du mit jemandem "
        "sprechen möchtest, sind die Kontakte unten jederzeit da.",
    },
    "fr": {
        "no": "Merci d'avoir répondu, ça me rassure. Si cela change un jour, tu peux me le dire "
        "à tout moment.",
        "prefer_not": "C'est tout à fait d'accord, tu n'es pas obligé·e de répondre. Si tu veux "
        "parler à quelqu'un, les contacts ci-dessous sont là à tout moment.",
    },
    "es": {
        "no": "Gracias por responder, me alegra saberlo. Si eso cambia alguna vez, puedes "
        "decírmelo en cualquier momento.",
        "prefer_not": "Está bien, no tienes que decirlo. Si quieres hablar con alguien, los "
        "contactos de abajo están ahí en cualquier momento.",
    },
}


def language_of(locale: str | None) -> str:
    """The question language for a locale: en, de, fr or es (anything else reads English)."""
    lang = (locale or "en").split("-")[0].split("_")[0].lower()
    return lang if lang in QUESTIONS else "en"


def question_text(kind: str, locale: str | None) -> str:
    return QUESTIONS[language_of(locale)][kind]


def answer_labels(locale: str | None) -> dict[str, str]:
    return dict(ANSWER_LABELS[language_of(locale)])


def privacy_note(locale: str | None) -> str:
    return PRIVACY_NOTES[language_of(locale)]


def acknowledgement(answer: str, locale: str | None) -> str:
    return ACKNOWLEDGEMENTS[language_of(locale)][answer]


# A chat message is read as an answer only when it starts with one of these and says little
# else (a "no, but he hit me yesterday" is still classified as a message of its own).
_PREFER_NOT = re.compile(
    r"^(?:i(?:\s*d|\s+would)?\s+(?:rather|prefer)\s+not|prefer\s+not|rather\s+not|not\s+saying"
    r"|(?:ich\s+)?(?:mochte\s+)?lieber\s+nicht|keine\s+angabe|je\s+prefere\s+ne\s+pas|pas\s+envie\s+de"
    r"\s+(?:dire|repondre)|prefiero\s+no)\b"
)
_YES = re.compile(
    r"^(?:yes|yeah|yea|yep|yup|ya|y|sadly\s+yes|i\s+have|i\s+do|kind\s+of|sort\s+of|sometimes"
    r"|ja|jap|jo|jein|leider\s+ja|manchmal|oui|ouais|ouai|parfois|si|sí|claro|a\s+veces)\b"
)
_NO = re.compile(
    r"^(?:no|nope|nah|nay|n|not\s+really|never|no\s+way|i\s+dont|i\s+havent|im\s+(?:fine|ok|okay)"
    r"|nein|ne|nee|nö|no|nicht\s+wirklich|niemals|non|pas\s+du\s+tout|jamais|nunca|para\s+nada)\b"
)
MAX_ANSWER_WORDS = 12


def _normalise(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(c for c in folded if not unicodedata.combining(c))
    plain = plain.replace("'", "").replace("’", "")
    return re.sub(r"[^\w\s]", " ", plain).strip()


def parse_answer(text: str) -> Answer | None:
    """A chat message read as the answer to an open question, or None if it is not one."""
    plain = _normalise(text)
    if not plain or len(plain.split()) > MAX_ANSWER_WORDS:
        return None
    if _PREFER_NOT.match(plain):
        return "prefer_not"
    if _YES.match(plain):
        return "yes"
    if _NO.match(plain):
        return "no"
    return None
