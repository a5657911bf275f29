"""The benchmark's PocketSphinx recognizer (bench/sphinx.py): its language models hold what each
vocabulary needs."""

from bench.sphinx import language_model
from coach.phrases import NUMBERS, command_words


def test_the_command_model_holds_every_command_word_and_its_competitors():
    model = language_model()
    for word in command_words():
        assert f"\t{word}\n" in model
    assert "\tpaint\n" not in model or "\tplain\n" in model
    assert model.count("\n") > 400


def test_the_number_model_leaves_out_words_that_sound_like_numbers():
    words = {line.split("\t")[1] for line in language_model(NUMBERS).splitlines() if "\t" in line}
    assert {"two", "four", "eight", "one"} <= words
    assert not {"to", "too", "for", "won", "ate"} & words
