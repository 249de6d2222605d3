"""The playground page in a real browser: headless Debian Chromium driven by selenium, against the real app.

The app runs as its own process (`hippo serve` on 127.0.0.1) with the shipped default model and the
embedded PostgreSQL; a few words are seeded through the public API. The tests draw with real pointer
events (mouse and touch), load a real MNIST test digit, and browse the dictionary. Screenshots land in
`test-artifacts/playground-*.png`.
"""

from __future__ import annotations

import itertools
import math
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.actions import interaction
from selenium.webdriver.common.actions.action_builder import ActionBuilder
from selenium.webdriver.common.actions.pointer_input import PointerInput
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

from hippo.adapters.alembic_migrations import AlembicMigrator
from tests.browser import ARTIFACTS, chromium_driver
from tests.conftest import REPO_ROOT
from tests.integration.postgres_fixtures import MIGRATIONS
from tests.live_app import LiveApp, live_app

pytestmark = pytest.mark.timeout(240)

WAIT_S = 20.0

# Strokes in pad coordinates (the pad is 280 x 280 CSS pixels): polylines shaped like digits.
SEVEN = [(70, 60), (205, 60), (190, 105), (160, 170), (135, 235)]
ONE = [(140, 45), (140, 235)]
ZERO = [
    (140 + 55 * math.sin(2 * math.pi * k / 24), 140 - 85 * math.cos(2 * math.pi * k / 24)) for k in range(25)
]


# A few words, seeded through the public API: forms, tags, ordered definitions, examples, relations.
WORDS = [
    {
        "word_text": "run",
        "language_code": "en",
        "definitions": [
            {
                "definition_text": "To move swiftly on foot, both feet leaving the ground at each stride.",
                "part_of_speech": "verb",
                "order": 0,
                "examples": [
                    {"example_text": "She runs every morning before work.", "source": "playground test"}
                ],
            },
            {
                "definition_text": "An act of running; a spell of moving fast on foot.",
                "part_of_speech": "noun",
                "order": 1,
            },
        ],
        "tags": ["motion", "common"],
        "word_forms": [
            {"form_text": "ran", "form_type": "past"},
            {"form_text": "running", "form_type": "gerund"},
        ],
    },
    {
        "word_text": "sprint",
        "language_code": "en",
        "definitions": [
            {"definition_text": "To run at full speed over a short distance.", "part_of_speech": "verb"}
        ],
    },
    {"word_text": "walk", "language_code": "en", "tags": ["motion"]},
    {"word_text": "move", "language_code": "en"},
    {"word_text": "runway", "language_code": "en"},
]
RELATIONS = [("run", "sprint", "synonym"), ("run", "walk", "related"), ("move", "run", "hyponym")]


@dataclass
class Playground:
    app: LiveApp
    default_model: str
    other_model: dict[str, Any]

    @property
    def url(self) -> str:
        return self.app.url

    def get(self, path: str, **params: Any) -> Any:
        return self.app.get(path, **params)


@pytest.fixture(scope="module")
def playground(
    tmp_path_factory: pytest.TempPathFactory, new_database: Callable[[str], str]
) -> Iterator[Playground]:
    workdir = tmp_path_factory.mktemp("playground-app")
    models = workdir / "models"
    models.mkdir()
    for suffix in (".npz", ".json"):  # a second model for the picker, beside the shipped default
        shutil.copy(REPO_ROOT / "tests" / "data" / f"orig-sigmoid-30{suffix}", models)
    database = new_database("playground")  # its own database on the session's embedded PostgreSQL
    AlembicMigrator(database, MIGRATIONS).upgrade()
    with live_app(workdir, {"DATABASE_URL": database}) as app:
        ids = {}
        for word in WORDS:
            ids[word["word_text"]] = app.post("/v1/dictionary/words", word)["id"]
        for first, second, kind in RELATIONS:
            app.post(
                "/v1/dictionary/relations",
                {"word_id_1": ids[first], "word_id_2": ids[second], "relation_type": kind},
            )
        listing = app.get("/v1/models")
        default = listing["default"]
        other = next(m for m in listing["models"] if m["name"] != default)
        yield Playground(app=app, default_model=default, other_model=other)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    driver = chromium_driver(tmp_path_factory.mktemp("chromium-profile"))
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def page(browser: WebDriver, playground: Playground) -> WebDriver:
    browser.set_window_size(1400, 1000)
    browser.get(playground.url + "/")
    wait_for(browser, lambda d: d.execute_script("return document.body.dataset.ready === 'true'"))
    wait_for(browser, lambda d: "healthy" in d.find_element(By.ID, "health").text)
    browser.get_log("browser")  # start each test with an empty console
    return browser


# ------------------------------------------------------------------ helpers


def wait_for(driver: WebDriver, condition, what: str = "the page", timeout: float = WAIT_S):
    try:
        return WebDriverWait(driver, timeout, poll_frequency=0.05).until(condition)
    except TimeoutException:
        shot(driver, "failure")
        raise AssertionError(f"timed out waiting for {what}; status: {status(driver)}") from None


def status(driver: WebDriver) -> dict[str, str]:
    return {
        "predict": driver.find_element(By.ID, "predict-status").text,
        "dictionary": driver.find_element(By.ID, "dict-status").text,
        "health": driver.find_element(By.ID, "health").text,
        "model": driver.find_element(By.ID, "model-info").text,
    }


def shot(driver: WebDriver, name: str) -> None:
    """Save a screenshot of the whole page (the window grows to the page's height for it)."""
    ARTIFACTS.mkdir(exist_ok=True)
    size = driver.get_window_size()
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(size["width"], max(size["height"], min(height, 4000)))
    driver.execute_script("window.scrollTo(0, 0)")
    try:
        driver.save_screenshot(str(ARTIFACTS / f"playground-{name}.png"))
    finally:
        driver.set_window_size(size["width"], size["height"])


def stats(driver: WebDriver) -> dict[str, int]:
    result: dict[str, int] = driver.execute_script("return {...window.hippoPlayground.stats}")
    return result


def draw(driver: WebDriver, pad: WebElement, strokes: list[list[tuple[float, float]]], kind: str) -> int:
    """Draw polylines on the pad with real pointer events; returns how many pointer moves were sent."""
    pointer = PointerInput(kind, f"{kind}-pointer")
    actions = ActionBuilder(driver, mouse=pointer, duration=0)  # as fast as chromedriver dispatches them
    width, height = pad.size["width"], pad.size["height"]

    def to_pad(x: float, y: float) -> tuple[int, int]:
        # Offsets are from the element's centre (W3C actions with an element origin).
        return round((x - 140) * width / 280), round((y - 140) * height / 280)

    moves = 0
    for stroke in strokes:
        actions.pointer_action.move_to(pad, *to_pad(*stroke[0]))
        actions.pointer_action.pointer_down()
        for (x0, y0), (x1, y1) in itertools.pairwise(stroke):
            steps = max(2, int(math.hypot(x1 - x0, y1 - y0) / 12))
            for k in range(1, steps + 1):
                actions.pointer_action.move_to(
                    pad, *to_pad(x0 + (x1 - x0) * k / steps, y0 + (y1 - y0) * k / steps)
                )
                moves += 1
        actions.pointer_action.pointer_up()
    actions.perform()
    return moves


def settled_prediction(driver: WebDriver) -> int:
    """Wait until no prediction is pending or scheduled, then read the predicted digit."""
    wait_for(
        driver,
        lambda d: d.execute_script("return document.body.dataset.predictState") in ("done", "error"),
        "a prediction",
    )
    state = driver.execute_script("return document.body.dataset.predictState")
    assert state == "done", f"the prediction failed: {status(driver)}"
    return int(driver.find_element(By.ID, "predicted").text)


def probabilities(driver: WebDriver) -> list[float]:
    labels = [bar.get_attribute("aria-label") for bar in driver.find_elements(By.CSS_SELECTOR, "#bars .bar")]
    return [float(label.split(": ")[1].rstrip("%")) / 100 for label in labels]


def console_errors(driver: WebDriver) -> list[str]:
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


# ------------------------------------------------------------------ tests


def test_the_page_lists_the_models_and_shows_every_layer_before_any_drawing(
    page: WebDriver, playground: Playground
):
    models = playground.get("/v1/models")
    picker = page.find_element(By.ID, "model-select")
    wait_for(page, lambda d: picker.is_enabled(), "the model picker")
    options = [o.get_attribute("value") for o in picker.find_elements(By.TAG_NAME, "option")]
    assert options == [m["name"] for m in models["models"]]
    assert picker.get_attribute("value") == playground.default_model
    sizes = next(m for m in models["models"] if m["name"] == playground.default_model)["sizes"]
    assert len(page.find_elements(By.CSS_SELECTOR, "#layers figure.layer")) == len(sizes)
    assert page.find_element(By.LINK_TEXT, "API docs").get_attribute("href") == playground.url + "/docs"
    shot(page, "start")
    assert console_errors(page) == []


def test_a_seven_drawn_with_the_mouse_is_predicted_without_a_request_storm(
    page: WebDriver, playground: Playground
):
    pad = page.find_element(By.ID, "pad")
    moves = draw(page, pad, [SEVEN], interaction.POINTER_MOUSE)
    assert settled_prediction(page) == 7
    probs = probabilities(page)
    assert max(probs) == probs[7]
    assert math.isclose(sum(probs), 1.0, abs_tol=0.02)
    confidence = page.find_element(By.ID, "confidence").text
    assert confidence.endswith("%")
    assert page.find_element(By.CSS_SELECTOR, "#bars .bar.top").get_attribute("data-digit") == "7"
    # Every layer was painted from /v1/activations: input first, output last.
    figures = page.find_elements(By.CSS_SELECTOR, "#layers figure.layer")
    assert page.execute_script("return document.body.dataset.layers") == str(len(figures))
    # The 28x28 preview beside the pad holds the downsampled drawing.
    ink = page.execute_script(
        "const c = document.getElementById('preview');"
        "const d = c.getContext('2d').getImageData(0, 0, 28, 28).data;"
        "let n = 0; for (let i = 0; i < d.length; i += 4) n += d[i] > 0; return n;"
    )
    assert 20 < ink < 400
    # No request storm: while drawing, at most one prediction per interval, plus one when the pen lifts.
    sent = stats(page)
    interval = page.execute_script("return window.hippoPlayground.predictIntervalMs")
    drawing_ms = sent["lastMoveAt"] - sent["firstDownAt"]
    assert sent["strokeMoves"] >= moves * 0.9
    assert 1 <= sent["predictRequests"] <= drawing_ms // interval + 2, (sent, moves)
    assert sent["predictRequests"] < moves, (sent, moves)
    shot(page, "drawn-seven")
    assert console_errors(page) == []


def test_a_one_and_a_zero_drawn_with_a_finger_on_a_phone_are_predicted(page: WebDriver):
    page.set_window_size(390, 844)
    pad = page.find_element(By.ID, "pad")
    page.execute_script("arguments[0].scrollIntoView({block: 'center'})", pad)
    assert pad.size["width"] <= 300
    draw(page, pad, [ONE], interaction.POINTER_TOUCH)
    assert settled_prediction(page) == 1
    page.find_element(By.ID, "clear").click()
    assert page.find_element(By.ID, "predicted").text == "–"
    draw(page, pad, [ZERO], interaction.POINTER_TOUCH)
    assert settled_prediction(page) == 0
    shot(page, "phone-touch-zero")
    # Nothing wider than the phone's viewport: no sideways scrolling.
    assert page.execute_script("return document.documentElement.scrollWidth") <= 390


def test_a_random_test_digit_shows_its_true_label_and_is_predicted_as_it(page: WebDriver):
    button = page.find_element(By.ID, "random")
    outcomes = []
    for _ in range(5):  # the shipped model is ~98 % accurate: five misses in a row would be a real defect
        before = stats(page)["predictRequests"]
        button.click()
        wait_for(page, lambda d, b=before: stats(d)["predictRequests"] > b, "a prediction of the sample")
        predicted = settled_prediction(page)
        label = int(page.find_element(By.ID, "true-label").text)
        assert page.find_element(By.ID, "truth").is_displayed()
        assert "MNIST test digit" in page.find_element(By.ID, "source").text
        outcomes.append((label, predicted))
        if label == predicted:
            assert "correct" in page.find_element(By.ID, "truth-mark").text
            break
        assert "missed" in page.find_element(By.ID, "truth-mark").text
    assert outcomes[-1][0] == outcomes[-1][1], f"(label, predicted) of every sample tried: {outcomes}"
    shot(page, "test-digit")
    assert console_errors(page) == []


def test_the_model_picker_switches_the_model_that_answers(page: WebDriver, playground: Playground):
    other = playground.other_model
    picker = page.find_element(By.ID, "model-select")
    wait_for(page, lambda d: picker.is_enabled(), "the model picker")
    draw(page, page.find_element(By.ID, "pad"), [SEVEN], interaction.POINTER_MOUSE)
    settled_prediction(page)
    before = stats(page)["predictRequests"]
    picker.find_element(By.CSS_SELECTOR, f'option[value="{other["name"]}"]').click()
    wait_for(page, lambda d: stats(d)["predictRequests"] > before, "a prediction by the other model")
    settled_prediction(page)
    hidden = other["sizes"]
    figures = page.find_elements(By.CSS_SELECTOR, "#layers figure.layer")
    assert len(figures) == len(hidden)
    assert f"{hidden[1]} neurons" in figures[1].text
    assert other["name"] in page.find_element(By.ID, "model-info").text
    shot(page, "other-model")


def result_words(driver: WebDriver) -> list[str]:
    words: list[str] = driver.execute_script(
        "return [...document.querySelectorAll('#dict-results button')].map(b => b.dataset.wordText)"
    )
    return words


def test_the_dictionary_searches_through_word_forms_opens_a_word_and_follows_relations(page: WebDriver):
    box = page.find_element(By.ID, "dict-query")
    box.send_keys("RA")  # case-insensitive prefix of "ran", a form of "run"
    wait_for(page, lambda d: result_words(d) == ["run"], "the results for 'RA'")
    box.send_keys(Keys.BACKSPACE, Keys.BACKSPACE, "spr")
    wait_for(page, lambda d: result_words(d) == ["sprint"], "the results for 'spr'")
    box.clear()
    box.send_keys("ru")
    wait_for(page, lambda d: result_words(d) == ["run", "runway"], "the results for 'ru'")
    button = page.find_element(By.CSS_SELECTOR, '#dict-results button[data-word-text="run"]')
    button.send_keys(Keys.ENTER)  # keyboard: every result is a button
    wait_for(page, lambda d: d.execute_script("return document.body.dataset.wordState") == "done", "the word")
    word = page.find_element(By.ID, "word")
    assert heading(page) == "run"
    text = word.text
    assert "To move swiftly on foot" in text
    assert "She runs every morning" in text
    assert text.index("To move swiftly") < text.index("An act of running")  # definitions in their order
    assert {t.text for t in word.find_elements(By.CSS_SELECTOR, ".tags li")} == {"motion", "common"}
    assert "ran (past)" in text
    assert related(page) == {"sprint": "synonym", "walk": "related", "move": "hypernym"}
    shot(page, "dictionary-run")
    word.find_element(By.LINK_TEXT, "move").click()
    wait_for(page, lambda d: heading(d) == "move" and related(d) == {"run": "hyponym"}, "the related word")
    assert page.current_url.endswith("#/word/en/move")
    page.back()
    wait_for(page, lambda d: heading(d) == "run", "the word again after going back")
    assert console_errors(page) == []


def heading(driver: WebDriver) -> str:
    text: str = driver.execute_script(
        "return document.body.dataset.wordState === 'done'"
        " ? document.querySelector('#word h3').firstChild.data : ''"
    )
    return text


def related(driver: WebDriver) -> dict[str, str]:
    links: dict[str, str] = driver.execute_script(
        "return Object.fromEntries([...document.querySelectorAll('#word a.related-link')]"
        ".map(a => [a.textContent, a.dataset.relation]))"
    )
    return links
