"""Fixed text the coach says: the safety reminder, the warning signs, and session announcements.

The warning signs follow NHS "Back pain" (https://www.nhs.uk/conditions/back-pain/) and NICE
guideline NG59 (https://www.nice.org.uk/guidance/ng59), reworded calmly with the meaning kept.
"""

from __future__ import annotations

from dataclasses import dataclass

from coach.routine import Breath

EMERGENCY_SIGNS = (
    "pain, tingling, weakness or numbness in both legs",
    "numbness or tingling around your genitals or buttocks",
    "difficulty peeing, or loss of bladder or bowel control",
    "chest pain",
    "pain that started after a serious accident, such as a fall or a car accident",
)

URGENT_SIGNS = (
    "a high temperature, or you feel hot and shivery",
    "you have lost weight without trying",
    "a lump or swelling in your back, or your back has changed shape",
    "pain that does not improve with rest, or is worse at night",
    "pain that is worse when you sneeze, cough or poo",
    "pain in your upper back, between the shoulders, rather than your lower back",
)


@dataclass(frozen=True)
class Prompts:
    """The lines that tell the user what to do next: they name keys, and words when coach listens."""

    safety: str
    paused: str
    pain_question: str


_MOVE_GENTLY = "Move gently. Stop any exercise that makes your symptoms worse or causes new pain."
KEY_PROMPTS = Prompts(
    safety=f"{_MOVE_GENTLY} If something hurts, press p at any time.",
    paused="Paused. Press space when you are ready.",
    pain_question="When you are ready, press space to carry on gently, or q to end the session.",
)
VOICE_PROMPTS = Prompts(
    safety=f"{_MOVE_GENTLY} If something hurts, say pain, or press p, at any time.",
    paused="Paused. Say resume, or press space, when you are ready.",
    pain_question=("When you are ready, say resume to carry on gently, or say stop to end the session. "
                   "The keys space and q work too."),
)

# What the timeline says (timeline.py builds its cues from these).
BEGIN = "Let's begin: {title}."
TONE_INTRO = "Follow the tones. A rising tone: breathe in. A low tone: hold. A falling tone: breathe out."
SET = "Set {number} of {sets}."
CHANGE_SIDES = "Change sides: {side}."
FIRST_REP = "Rep 1 of {reps}."
LAST_REP = "Last one. {rep}."
HALFWAY = "Halfway. {rep}."
HOLD_FOR = "Hold for {seconds}."
RELEASE = "And release."
REST = "Rest for {seconds}. Next up: {up_next}."
NEXT_SET = "set {number} of {name}"
END_TEXT = "That's the end of the session. Take a moment before you get up."
BREATH_WORDS = {Breath.IN: "Breathe in", Breath.HOLD: "Hold", Breath.OUT: "Breathe out", Breath.HOLD_OUT: "Hold"}
# Bedtime breathing, once the full words have been said a few times.
SHORT_WORDS = {Breath.IN: "In.", Breath.HOLD: "Hold.", Breath.OUT: "Out.", Breath.HOLD_OUT: "Hold."}

NOT_A_CLINICIAN = ("coach does not diagnose and does not replace a doctor or physiotherapist.")

RATING_BEFORE = "How is your pain right now?"
RATING_AFTER = "And how is your pain now?"
SAY_A_NUMBER = "Say a number from zero to ten."

PAIN_HEARD = "Stopping now. Lie or sit in a comfortable position and breathe slowly."
STOPPED = "Stopping here. Take your time getting up."
MENU_QUESTION = "Which routine would you like? Say its number or its name, or type its number and press Enter."
MENU_QUESTION_KEYS = "Which routine would you like? Type its number and press Enter."
NO_CHOICE = "No routine chosen. Start one any time with coach run."


def menu_spoken(titles: list[str]) -> str:
    from coach.phrases import NUMBER_WORDS

    choices = " ".join(f"{NUMBER_WORDS[i].capitalize()}: {title}." for i, title in enumerate(titles, start=1))
    return f"Which routine would you like? Say its number. {choices}"


# On screen when a command word was heard but not taken (it may have been the coach's own voice).
OVERHEARD = '(heard "{text}", not sure it was you: say it again)'


def warning_lines() -> list[str]:
    """The warning signs as short spoken sentences: emergency first, then urgent."""
    lines = ["Get emergency help now, by calling your local emergency number, such as 999 in the UK, "
             "if you have back pain and any of these:"]
    lines += [sign[0].upper() + sign[1:] + "." for sign in EMERGENCY_SIGNS]
    lines.append("Get an urgent appointment with a doctor, for example through 111 in the UK, "
                 "if you have back pain and:")
    lines += [sign[0].upper() + sign[1:] + "." for sign in URGENT_SIGNS]
    return lines


def pain_protocol_lines(prompts: Prompts = KEY_PROMPTS) -> list[str]:
    """Everything said after "pain", in order."""
    return [PAIN_HEARD, *warning_lines(), prompts.pain_question]


def warnings_text() -> str:
    """The warning signs as printed by `coach warnings`."""
    out = ["Get emergency help now (call your local emergency number, e.g. 999 in the UK) "
           "if you have back pain and any of:"]
    out += [f"  - {sign}" for sign in EMERGENCY_SIGNS]
    out += ["", "Get an urgent doctor's appointment (e.g. through 111 in the UK) if you have back pain and:"]
    out += [f"  - {sign}" for sign in URGENT_SIGNS]
    out += ["", "Stop any exercise that makes your symptoms worse or causes new pain.",
            NOT_A_CLINICIAN,
            "Sources: NHS, Back pain (https://www.nhs.uk/conditions/back-pain/); "
            "NICE guideline NG59 (https://www.nice.org.uk/guidance/ng59)."]
    return "\n".join(out)


def all_spoken_lines(prompts: Prompts = KEY_PROMPTS) -> list[str]:
    """Everything said outside a routine's timeline, so it can be rendered ahead of time."""
    return [*pain_protocol_lines(prompts), prompts.paused, STOPPED, *spoken_rating_questions()]


def spoken_rating_questions() -> list[str]:
    return [f"{question} {SAY_A_NUMBER}" for question in (RATING_BEFORE, RATING_AFTER)]


# `coach learn`: what the coach says while it learns your voice.
LEARN_INTRO = ("I will learn how you say each command. After each tone, say the word I ask for, "
               "as you would in a session.")
LEARN_SAY = "Say {word}."
LEARN_AGAIN = "Once more: {word}."
LEARN_TALK = "Now, after the tone, talk for twenty seconds, about anything: your day, perhaps."
LEARN_QUIET = "Thank you. Now, after the tone, stay quiet for ten seconds."
LEARN_TEST = "Done. Now, after the tone, say any command, and I will show what I heard."
LEARN_RETRY = "Let's try that one again."


def learn_lines(words: list[str]) -> list[str]:
    """Everything `coach learn` may say, so it can be rendered ahead of time."""
    asked = [line.format(word=word) for word in words for line in (LEARN_SAY, LEARN_AGAIN)]
    return [LEARN_INTRO, *asked, LEARN_RETRY, LEARN_TALK, LEARN_QUIET, LEARN_TEST]
