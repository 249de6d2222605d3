"""The WordNet reader on small files written in WordNet's database format (wndb(5WN))."""

from pathlib import Path

import pytest

from hippo.adapters.wordnet import WordNetFiles, parse_data_line, split_gloss
from hippo.domain.errors import InvalidArgumentError
from hippo.domain.vocabulary import PartOfSpeech, RelationType

LICENCE = "  1 This software and database is being provided to you, the LICENSEE, by  \n"
# fmt: off
FILES = {
    "data.noun": LICENCE
    + "00000001 05 n 03 dog 0 domestic_dog 0 Canis_familiaris 0"
    " 002 @ 00000002 n 0000 #m 00000003 n 0000"
    ' | a member of the genus Canis; "the dog barked all night"; "dogs are loyal"  \n'
    "00000002 05 n 02 canine 0 canid 0 001 ~ 00000001 n 0000 | any of various fissiped mammals  \n"
    "00000003 14 n 01 pack 0 001 %m 00000001 n 0000 | a group of hunting animals  \n"
    "00000004 04 n 01 run 0 000 | a score in baseball  \n"
    "00000005 18 n 01 dog 0 000 | a dull unattractive unpleasant girl or woman  \n",
    "data.verb": LICENCE
    + "00000010 38 v 01 run 0 000 01 + 02 00 | move fast by using one's feet;"
    " \"Don't run--you'll be out of breath\"  \n",
    "data.adj": LICENCE
    + "00000020 00 a 02 big 0 large(a) 0 001 ! 00000021 a 0101"
    ' | above average in size; "a big car"; "large ears  \n'
    "00000021 00 a 02 small 0 little 0 001 ! 00000020 a 0101 | limited in size  \n",
    "data.adv": LICENCE + '00000030 02 r 01 fast 0 000 | quickly or rapidly; "how fast can he get here?"  \n',
    "index.noun": LICENCE + "canid n 1 1 ~ 1 0 00000002  \ncanine n 1 1 ~ 1 0 00000002  \n"
    "canis_familiaris n 1 2 @ #m 1 0 00000001  \n"
    "dog n 2 2 @ #m 2 1 00000001 00000005  \ndomestic_dog n 1 2 @ #m 1 0 00000001  \n"
    "pack n 1 1 %m 1 0 00000003  \nrun n 1 0 1 0 00000004  \n",
    "index.verb": LICENCE + "run v 1 0 1 1 00000010  \n",
    "index.adj": LICENCE + "big a 1 1 ! 1 1 00000020  \nlarge a 1 0 1 0 00000020  \n"
    "little a 1 0 1 0 00000021  \nsmall a 1 1 ! 1 1 00000021  \n",
    "index.adv": LICENCE + "fast r 1 0 1 0 00000030  \n",
    "noun.exc": "geese goose\nwolves wolf\n",
    "verb.exc": "ran run\n",
    "adj.exc": "bigger big\nlarger large\n",
    "adv.exc": "faster fast\n",
}
# fmt: on


@pytest.fixture
def wordnet_dir(tmp_path: Path) -> Path:
    for name, text in FILES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_glosses_split_into_definition_and_examples():
    assert split_gloss('above average in size; "a big car"; "large ears  ') == (
        "above average in size",
        ("a big car", "large ears"),
    )
    assert split_gloss("limited in size  ") == ("limited in size", ())
    assert split_gloss('a word "quoted" inside') == ('a word "quoted" inside', ())


def test_data_lines_give_members_pointers_and_gloss():
    synset = parse_data_line(FILES["data.adj"].splitlines()[1], "a")
    assert synset is not None
    assert synset.members == ("big", "large")
    assert synset.pointers == (("!", "00000021", "a", 1, 1),)
    assert parse_data_line(LICENCE, "a") is None


def test_words_definitions_and_forms(wordnet_dir: Path):
    lexicon = WordNetFiles(wordnet_dir).read()
    words = {w.word_text: w for w in lexicon.words}
    assert sorted(words) == [
        "Canis familiaris", "big", "canid", "canine", "dog", "domestic dog",
        "fast", "large", "little", "pack", "run", "small",
    ]  # fmt: skip
    dog = words["dog"]
    assert [(d.order, d.definition_text) for d in dog.definitions] == [
        (0, "a member of the genus Canis"),
        (1, "a dull unattractive unpleasant girl or woman"),
    ]
    assert [e.example_text for e in dog.definitions[0].examples] == [
        "the dog barked all night",
        "dogs are loyal",
    ]
    run = words["run"]
    assert [d.part_of_speech for d in run.definitions] == [PartOfSpeech.NOUN, PartOfSpeech.VERB]
    assert [(f.form_text, f.form_type) for f in run.word_forms] == [("ran", "irregular verb form")]
    assert [f.form_text for f in words["large"].word_forms] == ["larger"]
    assert words["large"].definitions[0].part_of_speech is PartOfSpeech.ADJECTIVE
    assert all(w.language_code == "en" for w in lexicon.words)


def test_relations_are_expanded_boundedly(wordnet_dir: Path):
    lexicon = WordNetFiles(wordnet_dir).read()
    relations = {(r.text_1, r.text_2, r.relation_type) for r in lexicon.relations}
    assert len(relations) == len(lexicon.relations)
    s = RelationType
    assert relations == {
        ("domestic dog", "dog", s.SYNONYM), ("Canis familiaris", "dog", s.SYNONYM),
        ("canid", "canine", s.SYNONYM), ("large", "big", s.SYNONYM), ("little", "small", s.SYNONYM),
        ("dog", "canine", s.HYPERNYM), ("domestic dog", "canine", s.HYPERNYM),
        ("Canis familiaris", "canine", s.HYPERNYM),
        ("dog", "pack", s.HOLONYM), ("domestic dog", "pack", s.HOLONYM),
        ("Canis familiaris", "pack", s.HOLONYM),
        ("canine", "dog", s.HYPONYM), ("canid", "dog", s.HYPONYM),
        ("pack", "dog", s.MERONYM),
        ("big", "small", s.ANTONYM), ("small", "big", s.ANTONYM),
    }  # fmt: skip


def test_missing_or_broken_files_are_named(wordnet_dir: Path):
    (wordnet_dir / "index.adv").unlink()
    with pytest.raises(InvalidArgumentError, match=r"index\.adv is missing"):
        WordNetFiles(wordnet_dir).read()
    (wordnet_dir / "index.adv").write_text(FILES["index.adv"])
    (wordnet_dir / "data.verb").write_text("00000010 38 v zz run\n")
    with pytest.raises(InvalidArgumentError, match=r"data\.verb:1"):
        WordNetFiles(wordnet_dir).read()
