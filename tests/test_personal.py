"""The personal voice's rules on views made here: thresholds sit above every negative and every
other command's takes, a command too like the negatives is not learned, and what is saved loads
only for the model it was learned for."""

import numpy as np
import pytest

from coach.audio import personal
from coach.errors import CoachError

CLASSES = ("other", "pause", "stop")
WIDTH = 32


def near(centre: np.ndarray, rng, count: int, spread: float = 0.05) -> np.ndarray:
    return centre + rng.normal(0, spread, (count, WIDTH))


@pytest.fixture
def world():
    rng = np.random.default_rng(4)
    words = {name: rng.normal(0, 1, WIDTH) for name in ("pause", "stop", "talk")}
    takes = {"pause": [near(words["pause"], rng, 3) for _ in range(3)],
             "stop": [near(words["stop"], rng, 3) for _ in range(3)]}
    negatives = [near(words["talk"], rng, 40, 0.5), rng.normal(0, 1, (40, WIDTH))]
    return rng, words, takes, negatives


def test_a_new_take_of_a_learned_word_is_heard(world):
    rng, words, takes, negatives = world
    voice, report = personal.build(CLASSES, takes, negatives)
    assert voice.learned == ["pause", "stop"] and report["pause"].heard_again == 3
    probabilities = np.array([0.6, 0.3, 0.1])
    heard = voice.adjusted(probabilities, near(words["pause"], rng, 1)[0])
    assert heard[1] == personal.PERSONAL_PROBABILITY and heard[2] == 0.1


def test_a_take_alone_does_not_make_a_command_of_what_the_model_is_sure_is_talk(world):
    rng, words, takes, negatives = world
    voice, _ = personal.build(CLASSES, takes, negatives)
    below = personal.SUPPORT / 2
    sure_it_is_talk = np.array([1 - 2 * below, below, below])
    assert voice.adjusted(sure_it_is_talk, near(words["pause"], rng, 1)[0])[1] == below
    supported = np.array([1 - 2 * personal.SUPPORT, personal.SUPPORT, personal.SUPPORT])
    assert voice.adjusted(supported, near(words["pause"], rng, 1)[0])[1] == personal.PERSONAL_PROBABILITY


def test_no_negative_step_and_no_other_command_passes_a_threshold(world):
    _, _, takes, negatives = world
    voice, _ = personal.build(CLASSES, takes, negatives)
    probabilities = np.array([0.4, 0.3, 0.3])
    for view in np.concatenate(negatives + takes["stop"]):
        assert voice.adjusted(probabilities, view)[1] == 0.3


def test_a_command_whose_takes_are_like_the_negatives_is_not_learned(world):
    rng, words, takes, negatives = world
    takes = {**takes, "pause": [near(words["talk"], rng, 3, 0.5) for _ in range(3)]}
    voice, report = personal.build(CLASSES, takes, negatives)
    assert voice.learned == ["stop"] and not report["pause"].learned
    assert voice.thresholds[1] == personal.NOT_LEARNED


def test_saved_voice_loads_for_its_model_only(world, tmp_path):
    _, _, takes, negatives = world
    voice, _ = personal.build(CLASSES, takes, negatives)
    voice.save(tmp_path)
    loaded = personal.load(tmp_path, CLASSES)
    assert loaded.learned == voice.learned
    np.testing.assert_allclose(loaded.thresholds, voice.thresholds)
    assert personal.load(tmp_path / "none", CLASSES) is None
    with pytest.raises(CoachError, match="another command model"):
        personal.load(tmp_path, ("other", "pause"))
    (tmp_path / personal.WEIGHTS_FILE).write_text("not numbers")
    with pytest.raises(CoachError, match="cannot be read"):
        personal.load(tmp_path, CLASSES)
